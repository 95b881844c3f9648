import { createCampaign, startApi, type Api } from './helpers';

describe('campaign CRUD, validation and the status machine', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('campaigns');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('when a campaign is created with only a name, then defaults apply and a stats row exists', async () => {
    const res = await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'Buyers Q3' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Buyers Q3', status: 'draft', defaultCountry: 'US', defaultTimezone: 'America/New_York',
      maxConcurrentCalls: 5, maxAttempts: 3, providerConnectionId: null, version: 1,
      callingWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6, 7] },
    });
    expect(res.body.tenantId).toBe(api.tenant.tenantId);
    const stats: unknown[] = await api.ctx.ds.query(`SELECT 1 FROM campaign_stats WHERE campaign_id = $1`, [res.body.id]);
    expect(stats).toHaveLength(1);
    const got = await api.http.get(`/v1/campaigns/${res.body.id as string}`).set(api.auth());
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(res.body.id);
  });

  it('when the body is invalid, then 400 validation_failed lists each field', async () => {
    const res = await api.http.post('/v1/campaigns').set(api.auth()).send({
      name: '', defaultCountry: 'XX', defaultTimezone: 'Mars/Olympus', maxConcurrentCalls: 0, maxAttempts: 21,
      callingWindow: { start: '18:00', end: '09:00', days: [0] }, retryPolicy: { busy: { enabled: 'yes', delaySeconds: -1 }, bogus: {} },
      unknownField: 1,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const fields = (res.body.error.details as Array<{ field: string }>).map((d) => d.field);
    for (const f of ['name', 'defaultCountry', 'defaultTimezone', 'maxConcurrentCalls', 'maxAttempts', 'callingWindow',
      'callingWindow.days', 'retryPolicy.busy.enabled', 'retryPolicy.busy.delaySeconds', 'retryPolicy.bogus', 'unknownField']) {
      expect(fields).toContain(f);
    }
    const window = await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'w', callingWindow: { start: '18:00', end: '09:00' } });
    expect(window.status).toBe(400);
    expect(window.body.error.details).toEqual([{ field: 'callingWindow', reason: 'end must be after start' }]);
    expect(window.body.error.message).toBe('request body is invalid: callingWindow: end must be after start');
  });

  it('when the JSON is malformed, then 400 invalid_json', async () => {
    const res = await api.http.post('/v1/campaigns').set(api.auth()).set('Content-Type', 'application/json').send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('when the id is unknown or not a uuid, then 404', async () => {
    expect((await api.http.get('/v1/campaigns/8d1f9a52-56a8-4d3e-9c55-4cf0b3b1b5a0').set(api.auth())).status).toBe(404);
    expect((await api.http.get('/v1/campaigns/nope').set(api.auth())).status).toBe(404);
  });

  it('when campaigns are listed, then newest first, filtered by status and paged by cursor', async () => {
    const names = ['l1', 'l2', 'l3'];
    for (const name of names) await api.http.post('/v1/campaigns').set(api.auth()).send({ name, settings: { tag: 'list' } });
    const page1 = await api.http.get('/v1/campaigns?limit=2').set(api.auth());
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((c: { name: string }) => c.name)).toEqual(['l3', 'l2']);
    expect(page1.body.nextCursor).toBe(page1.body.data[1].id);
    const page2 = await api.http.get(`/v1/campaigns?limit=2&cursor=${page1.body.nextCursor as string}`).set(api.auth());
    expect(page2.body.data[0].name).toBe('l1');
    const running = await api.http.get('/v1/campaigns?status=running').set(api.auth());
    expect(running.body.data).toEqual([]);
    expect((await api.http.get('/v1/campaigns?status=bogus').set(api.auth())).status).toBe(400);
  });

  it('when campaigns are listed, then each row carries its progress from the counters: leads, ended, live calls, connect rate', async () => {
    const c = await createCampaign(api, { name: 'with progress' });
    const id = c.id as string;
    const added = await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth())
      .send({ leads: [{ phone: '+14155552601' }, { phone: '+14155552602' }, { phone: '+14155552603' }, { phone: '+14155552604' }] });
    expect(added.status).toBe(201);
    const leads: Array<{ id: string }> = await api.ctx.ds.query(`SELECT id FROM leads WHERE campaign_id = $1 ORDER BY id`, [id]);
    await api.ctx.ds.query(`UPDATE leads SET status = 'done', disposition = 'answered' WHERE id = $1`, [leads[0]!.id]);
    await api.ctx.ds.query(`UPDATE leads SET status = 'dialing' WHERE id = $1`, [leads[1]!.id]);
    await api.ctx.ds.query(`INSERT INTO campaign_stats (campaign_id, tenant_id, calls_ended, connected) VALUES ($1, $2, 4, 1)
      ON CONFLICT (campaign_id) DO UPDATE SET calls_ended = 4, connected = 1`, [id, api.tenant.tenantId]);
    const list = await api.http.get('/v1/campaigns?name=with%20progress').set(api.auth());
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].progress).toEqual({ totalLeads: 4, ended: 1, liveCalls: 1, callsEnded: 4, connected: 1, connectRate: 0.25 });
    const empty = await createCampaign(api, { name: 'no leads yet' });
    const list2 = await api.http.get('/v1/campaigns?name=no%20leads').set(api.auth());
    expect(list2.body.data[0]).toMatchObject({ id: empty.id, progress: { totalLeads: 0, ended: 0, liveCalls: 0, connectRate: 0 } });
  });

  it('when a campaign is patched, then only the given fields change and the version moves', async () => {
    const c = await createCampaign(api, { name: 'patch me' });
    const res = await api.http.patch(`/v1/campaigns/${c.id as string}`).set(api.auth()).send({ maxConcurrentCalls: 20, callingWindow: { start: '10:00', end: '18:00', days: [1, 2, 3] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'patch me', maxConcurrentCalls: 20, version: 2, callingWindow: { start: '10:00', end: '18:00', days: [1, 2, 3] } });
    const bad = await api.http.patch(`/v1/campaigns/${c.id as string}`).set(api.auth()).send({ maxAttempts: 0 });
    expect(bad.status).toBe(400);
    const audit: Array<{ action: string }> = await api.ctx.ds.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [c.id]);
    expect(audit.map((a) => a.action)).toEqual(['campaign.create', 'campaign.update']);
  });

  it('when commands follow the status machine, then statuses move and invalid ones get 409 with details', async () => {
    const c = await createCampaign(api, { name: 'machine' });
    const id = c.id as string;
    const pause = await api.http.post(`/v1/campaigns/${id}/pause`).set(api.auth());
    expect(pause.status).toBe(409);
    expect(pause.body.error).toMatchObject({ code: 'invalid_transition', details: { status: 'draft', allowed: ['start', 'schedule', 'cancel'] } });

    await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155552671' }] }).expect(201);
    const start = await api.http.post(`/v1/campaigns/${id}/start`).set(api.auth());
    expect(start.status).toBe(200);
    expect(start.body.status).toBe('running');
    expect(start.body.startedAt).toEqual(expect.any(String));

    const again = await api.http.post(`/v1/campaigns/${id}/start`).set(api.auth());
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual({ status: 'running', allowed: ['pause', 'stop'] });

    const del = await api.http.delete(`/v1/campaigns/${id}`).set(api.auth());
    expect(del.status).toBe(409);

    expect((await api.http.post(`/v1/campaigns/${id}/pause`).set(api.auth())).body.status).toBe('paused');
    expect((await api.http.post(`/v1/campaigns/${id}/resume`).set(api.auth())).body.status).toBe('running');
    expect((await api.http.post(`/v1/campaigns/${id}/stop`).set(api.auth())).body.status).toBe('stopped');

    const patch = await api.http.patch(`/v1/campaigns/${id}`).set(api.auth()).send({ name: 'late' });
    expect(patch.status).toBe(409);
    const leads = await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155552671' }] });
    expect(leads.status).toBe(409);

    const gone = await api.http.delete(`/v1/campaigns/${id}`).set(api.auth());
    expect(gone.status).toBe(204);
    expect((await api.http.get(`/v1/campaigns/${id}`).set(api.auth())).status).toBe(404);

    const audit: Array<{ action: string; api_key_id: string; before: { status: string }; after: { status: string } }> = await api.ctx.ds.query(
      `SELECT action, api_key_id, before, after FROM audit_log WHERE entity_id = $1 AND action LIKE 'campaign.%' ORDER BY id`, [id]);
    expect(audit.map((a) => a.action)).toEqual(['campaign.create', 'campaign.start', 'campaign.pause', 'campaign.resume', 'campaign.stop', 'campaign.delete']);
    expect(audit[1]).toMatchObject({ api_key_id: api.tenant.apiKeyId, before: { status: 'draft' }, after: { status: 'running' } });
  });

  it('when a campaign without a provider connection is started, then 409', async () => {
    const res = await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'no provider' });
    const start = await api.http.post(`/v1/campaigns/${res.body.id as string}/start`).set(api.auth());
    expect(start.status).toBe(409);
    expect(start.body.error.code).toBe('provider_connection_required');
  });

  it('when two commands race, then exactly one wins', async () => {
    const c = await createCampaign(api, { name: 'race' });
    const id = c.id as string;
    const results = await Promise.all([
      api.http.post(`/v1/campaigns/${id}/start`).set(api.auth()),
      api.http.post(`/v1/campaigns/${id}/start`).set(api.auth()),
      api.http.post(`/v1/campaigns/${id}/cancel`).set(api.auth()),
    ]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
  });

  it('when a running campaign is stopped, then its pending and queued leads end as stopped and are counted', async () => {
    const c = await createCampaign(api, { name: 'stop counts' });
    const id = c.id as string;
    const add = await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({
      leads: [{ phone: '+14155552671' }, { phone: '+14155552672' }, { phone: '+14155552673' }],
    });
    expect(add.body.accepted).toBe(3);
    await api.http.post(`/v1/campaigns/${id}/start`).set(api.auth());
    await api.ctx.ds.query(`UPDATE leads SET status = 'queued' WHERE phone_e164 = '+14155552671' AND campaign_id = $1`, [id]);
    await api.ctx.ds.query(`UPDATE leads SET status = 'dialing', attempts = 1 WHERE phone_e164 = '+14155552672' AND campaign_id = $1`, [id]);
    expect((await api.http.post(`/v1/campaigns/${id}/stop`).set(api.auth())).status).toBe(200);
    const stats = await api.http.get(`/v1/campaigns/${id}/stats`).set(api.auth());
    expect(stats.body).toMatchObject({ status: 'stopped', totalLeads: 3, leads: { pending: 0, queued: 0, dialing: 1, done: 2 }, dispositions: { stopped: 2 } });
    const done: Array<{ n: number }> = await api.ctx.ds.query(
      `SELECT count(*)::int AS n FROM leads WHERE campaign_id = $1 AND status = 'done' AND disposition = 'stopped'`, [id]);
    expect(done[0]!.n).toBe(2);
  });

  it('when a provider connection is created, then its secret is sealed and never returned', async () => {
    const res = await api.http.post('/v1/provider-connections').set(api.auth()).send({
      name: 'twilio main', type: 'twilio', accountSid: 'AC1', authToken: 'super-secret', fromNumber: '+14155550100', callsPerSecond: 5,
    });
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body)).not.toContain('super-secret');
    expect(res.body).toMatchObject({ type: 'twilio', config: { accountSid: 'AC1', fromNumber: '+14155550100' }, callsPerSecond: 5 });
    const list = await api.http.get('/v1/provider-connections').set(api.auth());
    expect(JSON.stringify(list.body)).not.toContain('super-secret');
    const rows: Array<{ secrets_sealed: string }> = await api.ctx.ds.query(`SELECT secrets_sealed FROM provider_connections WHERE id = $1`, [res.body.id]);
    expect(rows[0]!.secrets_sealed.startsWith('v1.')).toBe(true);
    const bad = await api.http.post('/v1/provider-connections').set(api.auth()).send({ name: 'x', type: 'vonage', accountSid: 'a', authToken: 'b', fromNumber: '555' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['type', 'fromNumber']));
  });
});
