import { foldCallAttempt } from '@dialer/db';
import { createApiKey } from '../src/tenants/api-keys';
import { createTenant } from '../src/tenants/create-tenant';
import { createCampaign, startApi, type Api } from './helpers';

/** GET / PATCH / DELETE /v1/leads/:id, search across campaigns, and a campaign's CSV export. */
describe('lead records', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('lead_records');
  });
  afterAll(async () => {
    await api?.close();
  });

  async function addLead(campaignId: string, lead: Record<string, unknown>): Promise<string> {
    const res = await api.http.post(`/v1/campaigns/${campaignId}/leads`).set(api.auth()).send({ leads: [lead] });
    expect(res.body).toMatchObject({ accepted: 1 });
    const [row] = await api.ctx.ds.query(`SELECT id FROM leads WHERE campaign_id = $1 ORDER BY created_at DESC, id LIMIT 1`, [campaignId]) as Array<{ id: string }>;
    return row!.id;
  }

  async function endedCall(campaignId: string, leadId: string, attemptNo: number, outcome: string): Promise<string> {
    const [a] = await api.ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_call_id, status, outcome, duration_seconds,
                                  dialed_at, ended_at, lead_final)
       VALUES ($1, $2, $3, $4, 'twilio', $5, 'completed', $6, 12, now() - interval '1 minute', now(), false) RETURNING id`,
      [api.tenant.tenantId, campaignId, leadId, attemptNo, `CA-${leadId}-${attemptNo}`, outcome]) as Array<{ id: string }>;
    await api.ctx.ds.query(`UPDATE leads SET attempts = $2, last_attempt_at = now() WHERE id = $1`, [leadId, attemptNo]);
    await foldCallAttempt(api.ctx.ds, a!.id);
    return a!.id;
  }

  async function audits(entityId: string): Promise<Array<{ action: string; before: any; after: any }>> {
    const res = await api.http.get(`/v1/audit-log?entityId=${entityId}`).set(api.auth());
    expect(res.status).toBe(200);
    return res.body.data;
  }

  it('when a lead is read, then it comes with its attempts and their outcomes; unknown, malformed and foreign ids are 404', async () => {
    const c = await createCampaign(api, { name: 'read' });
    const id = await addLead(c.id, { phone: '(415) 555-3001', firstName: 'Ada', custom: { plan: 'gold' } });
    const first = await endedCall(c.id, id, 1, 'busy');
    const second = await endedCall(c.id, id, 2, 'answered');

    const res = await api.http.get(`/v1/leads/${id}`).set(api.auth());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, campaignId: c.id, phoneE164: '+14155553001', firstName: 'Ada', custom: { plan: 'gold' }, attempts: 2 });
    expect(res.body.calls.map((k: { id: string; attemptNo: number; outcome: string }) => [k.id, k.attemptNo, k.outcome]))
      .toEqual([[first, 1, 'busy'], [second, 2, 'answered']]);

    expect((await api.http.get('/v1/leads/7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10').set(api.auth())).status).toBe(404);
    expect((await api.http.get('/v1/leads/not-a-uuid').set(api.auth())).status).toBe(404);
    const other = await createTenant(api.ctx.ds, 'lead records other tenant');
    const foreign = await api.http.get(`/v1/leads/${id}`).set(api.auth(other.apiKey));
    expect(foreign.status).toBe(404);
    expect((await api.http.patch(`/v1/leads/${id}`).set(api.auth(other.apiKey)).send({ firstName: 'Eve' })).status).toBe(404);
    expect((await api.http.delete(`/v1/leads/${id}`).set(api.auth(other.apiKey))).status).toBe(404);
  });

  it('when a lead is edited, then fields change, a new phone is re-normalized with its zones, and the change is audited with the number masked', async () => {
    const c = await createCampaign(api, { name: 'edit' });
    const id = await addLead(c.id, { phone: '+14155553101', firstName: 'Ada', email: 'ada@example.com', custom: { plan: 'gold' } });

    const named = await api.http.patch(`/v1/leads/${id}`).set(api.auth()).send({ firstName: ' Grace ', lastName: 'Hopper', email: null, custom: { plan: 'silver', budget: 5 } });
    expect(named.status).toBe(200);
    expect(named.body).toMatchObject({ firstName: 'Grace', lastName: 'Hopper', email: null, custom: { plan: 'silver', budget: '5' }, phoneE164: '+14155553101' });

    const moved = await api.http.patch(`/v1/leads/${id}`).set(api.auth()).send({ phone: '(212) 555-0147' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ phoneE164: '+12125550147', timezones: ['America/New_York'], status: 'pending', disposition: null });

    const zoned = await api.http.patch(`/v1/leads/${id}`).set(api.auth()).send({ timezone: 'America/Chicago' });
    expect(zoned.body.timezones).toEqual(['America/Chicago']);

    const log = await audits(id);
    expect(log.map((a) => a.action)).toEqual(['lead.update', 'lead.update', 'lead.update']);
    expect(log[1]!.before).toMatchObject({ phone: '+1********01', firstName: 'Grace' });
    expect(log[1]!.after).toMatchObject({ phone: '+1********47', timezones: ['America/New_York'] });
    expect(log[2]!.before).toMatchObject({ firstName: 'Ada', email: 'ada@example.com', custom: { plan: 'gold' } });
    expect(log[2]!.after).toMatchObject({ firstName: 'Grace', email: null });
    const [raw] = await api.ctx.ds.query(`SELECT string_agg(before::text || after::text, ' ') AS t FROM audit_log WHERE entity_id = $1 AND action = 'lead.update'`, [id]) as Array<{ t: string }>;
    expect(raw!.t).not.toMatch(/555/);
  });

  it('when the new phone is on a DNC list, taken by another lead, or the edit is invalid, then the lead ends as dnc, or 409, or 400', async () => {
    const c = await createCampaign(api, { name: 'edit rules' });
    const id = await addLead(c.id, { phone: '+14155553201' });
    await addLead(c.id, { phone: '+14155553202' });

    const taken = await api.http.patch(`/v1/leads/${id}`).set(api.auth()).send({ phone: '415 555 3202' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('duplicate_phone');

    for (const [body, field] of [[{ phone: '12' }, 'phone'], [{ email: 'not-an-email' }, 'email'], [{ timezone: 'Mars/Base' }, 'timezone'],
      [{ custom: { nested: { a: 1 } } }, 'custom.nested'], [{}, null], [{ status: 'done' }, 'status']] as const) {
      const bad = await api.http.patch(`/v1/leads/${id}`).set(api.auth()).send(body);
      expect({ body, status: bad.status }).toEqual({ body, status: 400 });
      if (field) expect(JSON.stringify(bad.body.error)).toContain(field);
    }
    expect((await api.http.get(`/v1/leads/${id}`).set(api.auth())).body).toMatchObject({ phoneE164: '+14155553201', email: null });

    expect((await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+14155553299' })).status).toBe(201);
    const dnc = await api.http.patch(`/v1/leads/${id}`).set(api.auth()).send({ phone: '+1 415 555 3299' });
    expect(dnc.status).toBe(200);
    expect(dnc.body).toMatchObject({ phoneE164: '+14155553299', status: 'done', disposition: 'dnc' });
  });

  it('when a lead is being dialled, then edits and removal answer 409; a viewer may read but not change', async () => {
    const c = await createCampaign(api, { name: 'busy' });
    const id = await addLead(c.id, { phone: '+14155553301' });
    const viewer = await createApiKey(api.ctx.ds.manager, api.tenant.tenantId, 'viewer');
    expect((await api.http.get(`/v1/leads/${id}`).set(api.auth(viewer.apiKey))).status).toBe(200);
    expect((await api.http.get('/v1/leads').set(api.auth(viewer.apiKey))).status).toBe(200);
    expect((await api.http.patch(`/v1/leads/${id}`).set(api.auth(viewer.apiKey)).send({ firstName: 'x' })).status).toBe(403);
    expect((await api.http.delete(`/v1/leads/${id}`).set(api.auth(viewer.apiKey))).status).toBe(403);

    for (const status of ['queued', 'dialing']) {
      await api.ctx.ds.query(`UPDATE leads SET status = $2 WHERE id = $1`, [id, status]);
      const edit = await api.http.patch(`/v1/leads/${id}`).set(api.auth()).send({ firstName: 'x' });
      expect({ status, code: edit.status, error: edit.body.error?.code }).toEqual({ status, code: 409, error: 'lead_in_call' });
      const del = await api.http.delete(`/v1/leads/${id}`).set(api.auth());
      expect({ status, code: del.status, error: del.body.error?.code }).toEqual({ status, code: 409, error: 'lead_in_call' });
    }
    expect((await api.http.get(`/v1/leads/${id}`).set(api.auth())).body.firstName).toBeNull();
  });

  it('when a lead is removed, then it is gone from reads and dialing, its calls stay, the stats still equal the recount, and it is audited', async () => {
    const c = await createCampaign(api, { name: 'remove' });
    const open = await addLead(c.id, { phone: '+14155553401', firstName: 'Open' });
    const called = await addLead(c.id, { phone: '+14155553402' });
    const call = await endedCall(c.id, called, 1, 'answered');
    await api.ctx.ds.query(`UPDATE leads SET status = 'done', disposition = 'answered' WHERE id = $1`, [called]);

    for (const id of [open, called]) {
      const del = await api.http.delete(`/v1/leads/${id}`).set(api.auth());
      expect(del.status).toBe(204);
      expect((await api.http.get(`/v1/leads/${id}`).set(api.auth())).status).toBe(404);
      expect((await api.http.delete(`/v1/leads/${id}`).set(api.auth())).status).toBe(404);
    }
    const rows = await api.ctx.ds.query(`SELECT id, status, disposition, deleted_at IS NOT NULL AS deleted FROM leads WHERE campaign_id = $1 ORDER BY phone_e164`, [c.id]);
    expect(rows).toEqual([
      { id: open, status: 'done', disposition: 'removed', deleted: true },
      { id: called, status: 'done', disposition: 'answered', deleted: true },
    ]);
    expect((await api.http.get(`/v1/call-attempts/${call}`).set(api.auth())).status).toBe(200);
    expect((await api.http.get(`/v1/campaigns/${c.id}/leads`).set(api.auth())).body.data).toEqual([]);
    expect((await api.http.get(`/v1/leads?campaignId=${c.id}`).set(api.auth())).body.data).toEqual([]);
    const recount = await api.http.post(`/v1/campaigns/${c.id}/stats/recount`).set(api.auth());
    expect(recount.body).toMatchObject({ consistent: true, differences: [] });

    const [entry] = await audits(open);
    expect(entry).toMatchObject({ action: 'lead.delete', before: { phone: '+1********01', firstName: 'Open', status: 'pending' }, after: { deleted: true, disposition: 'removed' } });

    // A clone with its leads copies the live ones only.
    await addLead(c.id, { phone: '+14155553403' });
    const clone = await api.http.post(`/v1/campaigns/${c.id}/clone`).set(api.auth()).send({ includeLeads: true });
    expect(clone.body).toMatchObject({ leadsCopied: 1 });
  });

  it('when leads are searched, then names, emails and numbers in any format match across campaigns, filtered, paged and within the tenant', async () => {
    const a = await createCampaign(api, { name: 'search a' });
    const b = await createCampaign(api, { name: 'search b' });
    const ada = await addLead(a.id, { phone: '+14155553501', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@analytical.example' });
    const grace = await addLead(b.id, { phone: '+12125553502', firstName: 'Grace', lastName: 'Hopper', email: 'grace@navy.example' });
    const other = await createTenant(api.ctx.ds, 'lead search other tenant');
    const oc = await createCampaign(api, { name: 'theirs' }, other.apiKey);
    await api.http.post(`/v1/campaigns/${oc.id}/leads`).set(api.auth(other.apiKey)).send({ leads: [{ phone: '+14155553501', firstName: 'Ada' }] });

    const ids = async (query: string, key?: string): Promise<string[]> => {
      const res = await api.http.get(`/v1/leads?${query}`).set(api.auth(key));
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
      return res.body.data.map((l: { id: string }) => l.id);
    };
    expect(await ids('q=ada%20love')).toEqual([ada]);
    expect(await ids('q=LOVELACE')).toEqual([ada]);
    expect(await ids('q=navy.example')).toEqual([grace]);
    expect(await ids(`q=${encodeURIComponent('(415) 555-3501')}`)).toEqual([ada]);
    expect(await ids(`q=${encodeURIComponent('+1 212 555 3502')}`)).toEqual([grace]);
    expect(await ids('q=5553502')).toEqual([grace]);
    expect(await ids(`q=${encodeURIComponent('555-35')}&campaignId=${b.id}`)).toEqual([grace]);
    expect(await ids('q=555-35&status=pending&limit=1000')).toEqual([ada, grace]);
    expect(await ids('q=555-35&status=done')).toEqual([]);
    expect(await ids('q=100%25')).toEqual([]);
    expect(await ids('q=ada', other.apiKey)).toHaveLength(1);
    expect(await ids('q=ada', other.apiKey)).not.toContain(ada);

    const page1 = await api.http.get('/v1/leads?q=555-35&limit=1').set(api.auth());
    expect(page1.body.data.map((l: { id: string }) => l.id)).toEqual([ada]);
    expect(page1.body.nextCursor).toBe(ada);
    const page2 = await api.http.get(`/v1/leads?q=555-35&limit=1&cursor=${page1.body.nextCursor}`).set(api.auth());
    expect(page2.body).toMatchObject({ data: [{ id: grace }], nextCursor: null });

    for (const q of ['limit=0', 'status=nope', 'campaignId=x', 'cursor=1', 'q=', 'other=1']) {
      expect({ q, status: (await api.http.get(`/v1/leads?${q}`).set(api.auth())).status }).toEqual({ q, status: 400 });
    }
  });

  it('when a campaign is exported, then every live lead is a CSV line with its outcome, attempts, last call, qualification and custom fields, safe for spreadsheets', async () => {
    const c = await createCampaign(api, { name: 'export' });
    const lead = await addLead(c.id, { phone: '+14155553601', firstName: '=HYPERLINK("x")', lastName: '@SUM(A1)', custom: { plan: '-1+2', budget: '500k' } });
    await endedCall(c.id, lead, 1, 'answered');
    await api.ctx.ds.query(`UPDATE leads SET status = 'done', disposition = 'answered', qualified = true WHERE id = $1`, [lead]);
    const many = Array.from({ length: 2100 }, (_, i) => ({ phone: `+1415556${String(i).padStart(4, '0')}` }));
    expect((await api.http.post(`/v1/campaigns/${c.id}/leads`).set(api.auth()).send({ leads: many })).body.accepted).toBe(2100);
    const removed = await addLead(c.id, { phone: '+14155553699' });
    expect((await api.http.delete(`/v1/leads/${removed}`).set(api.auth())).status).toBe(204);

    const res = await api.http.get(`/v1/campaigns/${c.id}/leads.csv`).set(api.auth()).buffer(true).parse((r, cb) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => { text += chunk; });
      r.on('end', () => cb(null, text));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = (res.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe('lead_id,phone,first_name,last_name,email,status,final_outcome,attempts,last_call_at,last_call_outcome,qualified,custom.budget,custom.plan');
    expect(lines).toHaveLength(1 + 1 + 2100);
    expect(new Set(lines.map((l) => l.split(',')[0])).size).toBe(lines.length);
    expect(lines.some((l) => l.includes(removed))).toBe(false);
    const first = lines[1]!;
    expect(first).toMatch(new RegExp(`^${lead},'\\+14155553601,"'=HYPERLINK\\(""x""\\)",'@SUM\\(A1\\),,done,answered,1,\\d{4}-\\d\\d-\\d\\dT[^,]+,answered,true,500k,'-1\\+2$`));
    expect(lines[2]).toMatch(/^[0-9a-f-]{36},'\+1415556\d{4},,,,pending,,0,,,,,$/);

    expect((await api.http.get('/v1/campaigns/7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10/leads.csv').set(api.auth())).status).toBe(404);
  });

  it('when a viewer reads leads of a HIPAA campaign, then the record, the search and the export show the number masked and no personal data', async () => {
    const c = await createCampaign(api, { name: 'clinic', complianceMode: 'hipaa' });
    const id = await addLead(c.id, { phone: '+14155553701', firstName: 'Pat', email: 'pat@clinic.example', custom: { condition: 'private' } });
    const viewer = await createApiKey(api.ctx.ds.manager, api.tenant.tenantId, 'viewer');
    const hidden = { phoneE164: '+1********01', firstName: null, email: null, custom: {} };
    expect((await api.http.get(`/v1/leads/${id}`).set(api.auth(viewer.apiKey))).body).toMatchObject(hidden);
    expect((await api.http.get(`/v1/leads?campaignId=${c.id}`).set(api.auth(viewer.apiKey))).body.data).toEqual([expect.objectContaining(hidden)]);
    const csv = await api.http.get(`/v1/campaigns/${c.id}/leads.csv`).set(api.auth(viewer.apiKey)).buffer(true).parse((r, cb) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => { text += chunk; });
      r.on('end', () => cb(null, text));
    });
    expect(csv.status).toBe(200);
    expect(csv.body).not.toMatch(/Pat|clinic\.example|private|5553701/);
    expect(csv.body).toContain("'+1********01");
    // The manager sees it all.
    expect((await api.http.get(`/v1/leads/${id}`).set(api.auth())).body).toMatchObject({ phoneE164: '+14155553701', firstName: 'Pat' });
  });
});
