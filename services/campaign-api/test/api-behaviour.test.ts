import { createApiKey } from '../src/tenants/api-keys';
import { createCampaign, startApi, type Api } from './helpers';

describe('campaign-api behaviour: rate limit, idempotency, concurrency, pagination, clone, restore, compliance, audit', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('behaviour', { RATE_LIMIT_MAX: '1000' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('when a key goes over its rate limit, then it gets 429 with Retry-After while another key is still served', async () => {
    const limited = await startApi('ratelimit', { RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' });
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 7; i++) {
        last = await limited.http.get('/v1/campaigns').set(limited.auth());
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(last!.body.error.code).toBe('rate_limited');
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      const other = await createApiKey(limited.ctx.ds.manager, limited.tenant.tenantId, 'viewer');
      expect((await limited.http.get('/v1/campaigns').set(limited.auth(other.apiKey))).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('when a campaign is created twice with one Idempotency-Key, then one campaign exists and the repeat replays the answer; another body gets 422', async () => {
    const body = { name: 'idem' };
    const [a, b] = await Promise.all([
      api.http.post('/v1/campaigns').set(api.auth()).set('Idempotency-Key', 'k-1').send(body),
      api.http.post('/v1/campaigns').set(api.auth()).set('Idempotency-Key', 'k-1').send(body),
    ]);
    const statuses = [a.status, b.status].sort();
    expect([[201, 201], [201, 409]]).toContainEqual(statuses);
    const again = await api.http.post('/v1/campaigns').set(api.auth()).set('Idempotency-Key', 'k-1').send(body);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe((a.status === 201 ? a : b).body.id);
    const n = await api.ctx.ds.query(`SELECT count(*)::int AS n FROM campaigns WHERE name = 'idem'`);
    expect(n[0].n).toBe(1);
    const other = await api.http.post('/v1/campaigns').set(api.auth()).set('Idempotency-Key', 'k-1').send({ name: 'other' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
  });

  it('when two updates race with the same If-Match, then one wins and the other gets 412; a stale ETag gets 412', async () => {
    const c = await createCampaign(api, { name: 'race' });
    const read = await api.http.get(`/v1/campaigns/${c.id}`).set(api.auth());
    const etag = read.headers.etag as string;
    expect(etag).toBe(`"${c.version as number}"`);
    const [x, y] = await Promise.all([
      api.http.patch(`/v1/campaigns/${c.id}`).set(api.auth()).set('If-Match', etag).send({ maxConcurrentCalls: 7 }),
      api.http.patch(`/v1/campaigns/${c.id}`).set(api.auth()).set('If-Match', etag).send({ maxConcurrentCalls: 9 }),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 412]);
    const stale = await api.http.delete(`/v1/campaigns/${c.id}`).set(api.auth()).set('If-Match', etag);
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('precondition_failed');
  });

  it('when pages are read while campaigns are added, then every campaign of the first read appears exactly once', async () => {
    const tenant = await createApiKey(api.ctx.ds.manager, api.tenant.tenantId, 'admin');
    for (let i = 0; i < 23; i++) await api.http.post('/v1/campaigns').set(api.auth(tenant.apiKey)).send({ name: `page ${i}` });
    const all = (await api.ctx.ds.query(`SELECT id FROM campaigns WHERE tenant_id = $1 AND deleted_at IS NULL`, [api.tenant.tenantId])).map((r: { id: string }) => r.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await api.http
        .get(`/v1/campaigns?limit=4${cursor ? `&cursor=${cursor}` : ''}`).set(api.auth());
      seen.push(...page.body.data.map((c) => c.id));
      cursor = page.body.nextCursor;
      await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'added meanwhile' });
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of all) expect(seen).toContain(id);
    const named = await api.http.get('/v1/campaigns?name=PAGE 1').set(api.auth());
    expect(named.body.data.map((c: { name: string }) => c.name).sort()).toEqual(['page 1', 'page 10', 'page 11', 'page 12', 'page 13', 'page 14', 'page 15', 'page 16', 'page 17', 'page 18', 'page 19'].slice(0, 11).sort());
  });

  it('when a campaign is cloned with leads, soft-deleted and restored, then the clone has the settings and leads and the restore brings it back', async () => {
    const c = await createCampaign(api, { name: 'source', maxAttempts: 5 });
    await api.http.post(`/v1/campaigns/${c.id}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155552671' }, { phone: '+14155552672' }] });
    const clone = await api.http.post(`/v1/campaigns/${c.id}/clone`).set(api.auth()).send({ includeLeads: true });
    expect(clone.status).toBe(201);
    expect(clone.body).toMatchObject({ name: 'source (copy)', maxAttempts: 5, status: 'draft', leadsCopied: 2, clonedFrom: c.id });
    const stats = await api.http.get(`/v1/campaigns/${clone.body.id}/stats`).set(api.auth());
    expect(stats.body.totalLeads ?? stats.body.counters?.totalLeads).toBe(2);
    expect((await api.http.delete(`/v1/campaigns/${c.id}`).set(api.auth())).status).toBe(204);
    expect((await api.http.get(`/v1/campaigns/${c.id}`).set(api.auth())).status).toBe(404);
    const deleted = await api.http.get('/v1/campaigns?deleted=true').set(api.auth());
    expect(deleted.body.data.map((x: { id: string }) => x.id)).toContain(c.id);
    const restored = await api.http.post(`/v1/campaigns/${c.id}/restore`).set(api.auth());
    expect(restored.status).toBe(200);
    expect((await api.http.get(`/v1/campaigns/${c.id}`).set(api.auth())).status).toBe(200);
    expect((await api.http.post(`/v1/campaigns/${c.id}/restore`).set(api.auth())).status).toBe(409);
    const audit = await api.http.get(`/v1/audit-log?entityId=${c.id as string}&action=campaign.`).set(api.auth());
    expect(audit.body.data.map((a: { action: string }) => a.action)).toEqual(['campaign.restore', 'campaign.delete', 'campaign.create']);
    expect(audit.body.data[2].after.name).toBe('source');
  });

  it('when a campaign is HIPAA, then viewers see masked leads, recordings and transcripts are never stored, and the mode is fixed once started', async () => {
    const c = await createCampaign(api, { name: 'clinic', complianceMode: 'hipaa' });
    await api.http.post(`/v1/campaigns/${c.id}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155552671', firstName: 'Ada', custom: { dob: '1970-01-01' } }] });
    const viewer = await createApiKey(api.ctx.ds.manager, api.tenant.tenantId, 'viewer');
    const masked = await api.http.get(`/v1/campaigns/${c.id}/leads`).set(api.auth(viewer.apiKey));
    expect(masked.body.data[0]).toMatchObject({ phoneE164: '+1********71', firstName: null, custom: {} });
    const full = await api.http.get(`/v1/campaigns/${c.id}/leads`).set(api.auth());
    expect(full.body.data[0]).toMatchObject({ phoneE164: '+14155552671', firstName: 'Ada' });
    const [a] = await api.ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, transcript, recording_url)
       VALUES ($1, $2, $3, 1, 'twilio', 'my diagnosis is…', 'http://rec') RETURNING id, transcript, recording_url`,
      [api.tenant.tenantId, c.id, full.body.data[0].id]);
    expect(a).toMatchObject({ transcript: null, recording_url: null });
    await api.ctx.ds.query(`UPDATE call_attempts SET transcript = 'later' , analysis = '{"summary":"x"}' WHERE id = $1`, [a.id]);
    const call = await api.http.get(`/v1/call-attempts/${a.id as string}`).set(api.auth());
    expect(call.body).toMatchObject({ transcript: null, recordingUrl: null, analysis: null });
    await api.http.post(`/v1/campaigns/${c.id}/start`).set(api.auth());
    const change = await api.http.patch(`/v1/campaigns/${c.id}`).set(api.auth()).send({ complianceMode: 'standard' });
    expect(change.status).toBe(409);
  });

  it('when a PCI campaign gets a lead whose custom field holds a card number, then that row is rejected without echoing it', async () => {
    const c = await createCampaign(api, { name: 'payments', complianceMode: 'pci' });
    const res = await api.http.post(`/v1/campaigns/${c.id}/leads`).set(api.auth()).send({
      leads: [{ phone: '+14155552671', custom: { note: 'card 4111 1111 1111 1111' } }, { phone: '+14155552672', custom: { ref: 'A-123' } }],
    });
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([{ index: 0, field: 'custom.note', reason: expect.stringContaining('payment card') }]);
    expect(JSON.stringify(res.body)).not.toContain('4111');
    // The CSV path applies the same rule.
    const csv = await api.http.post(`/v1/campaigns/${c.id}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv')
      .send('phone,note\n+14155552673,card 4111 1111 1111 1111\n+14155552674,plain\n');
    expect(csv.status).toBe(201);
    expect(csv.body).toMatchObject({ rowsRead: 2, accepted: 1 });
    expect(csv.body.errors).toEqual([expect.objectContaining({ row: 1, reason: expect.stringContaining('payment card') })]);
    const std = await createCampaign(api, { name: 'standard' });
    const ok = await api.http.post(`/v1/campaigns/${std.id}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155552671', custom: { note: '4111 1111 1111 1111' } }] });
    expect(ok.body.accepted).toBe(1);
  });

  it('when leads and calls are listed with filters, then only matching rows come back', async () => {
    const c = await createCampaign(api, { name: 'filters' });
    await api.http.post(`/v1/campaigns/${c.id}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155552671' }, { phone: '+12125550100' }] });
    const byPhone = await api.http.get(`/v1/campaigns/${c.id}/leads?phone=1415`).set(api.auth());
    expect(byPhone.body.data.map((l: { phoneE164: string }) => l.phoneE164)).toEqual(['+14155552671']);
    const leadId = byPhone.body.data[0].id as string;
    await api.ctx.ds.query(`INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, outcome) VALUES ($1, $2, $3, 1, 'twilio', 'busy'), ($1, $2, $3, 2, 'twilio', 'answered')`,
      [api.tenant.tenantId, c.id, leadId]);
    const busy = await api.http.get(`/v1/campaigns/${c.id}/calls?outcome=busy`).set(api.auth());
    expect(busy.body.data.map((x: { attemptNo: number }) => x.attemptNo)).toEqual([1]);
    const all = await api.http.get(`/v1/campaigns/${c.id}/calls?limit=1`).set(api.auth());
    expect(all.body.data).toHaveLength(1);
    expect(all.body.nextCursor).not.toBeNull();
  });
});
