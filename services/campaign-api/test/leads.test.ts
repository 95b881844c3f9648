import { createCampaign, startApi, type Api } from './helpers';

describe('adding leads as JSON', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('leads');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('when national numbers are sent, then they are stored in E.164 using the campaign country', async () => {
    const us = await createCampaign(api, { name: 'us' });
    const r1 = await api.http.post(`/v1/campaigns/${us.id as string}/leads`).set(api.auth()).send({
      leads: [{ phone: '(415) 555-2671', firstName: ' Ada ', lastName: 'Lovelace', email: 'ada@example.com', timezone: 'America/Los_Angeles', custom: { budget: '500k' } }],
    });
    expect(r1.status).toBe(201);
    expect(r1.body).toEqual({ accepted: 1, duplicates: 0, dncSuppressed: 0, rejected: [], warnings: [] });
    const india = await createCampaign(api, { name: 'in', defaultCountry: 'IN', defaultTimezone: 'Asia/Kolkata' });
    const r2 = await api.http.post(`/v1/campaigns/${india.id as string}/leads`).set(api.auth()).send({ leads: [{ phone: '98765 43210', timezone: 'Not/AZone' }] });
    expect(r2.body.accepted).toBe(1);
    const rows: Array<{ phone_e164: string; first_name: string | null; timezones: string[]; custom: Record<string, string>; status: string }> =
      await api.ctx.ds.query(`SELECT phone_e164, first_name, timezones, custom, status FROM leads ORDER BY phone_e164`);
    expect(rows).toEqual([
      { phone_e164: '+14155552671', first_name: 'Ada', timezones: ['America/Los_Angeles'], custom: { budget: '500k' }, status: 'pending' },
      // An unknown zone name falls back to the zones of the number itself (here India's one zone).
      { phone_e164: '+919876543210', first_name: null, timezones: ['Asia/Kolkata'], custom: {}, status: 'pending' },
    ]);
    const listed = await api.http.get(`/v1/campaigns/${us.id as string}/leads?status=pending`).set(api.auth());
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).toMatchObject({ phoneE164: '+14155552671', firstName: 'Ada', status: 'pending', attempts: 0 });
  });

  it('when rows are invalid, duplicated or on a DNC list, then each is counted or reported by index', async () => {
    const c = await createCampaign(api, { name: 'mixed' });
    const id = c.id as string;
    const tenantDnc = await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '(415) 555-2600', reason: 'asked' });
    expect(tenantDnc.status).toBe(201);
    expect(tenantDnc.body.phoneE164).toBe('+14155552600');
    const campDnc = await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '415-555-2601', campaignId: id });
    expect(campDnc.status).toBe(201);
    // A DNC entry of another campaign does not apply here.
    const other = await createCampaign(api, { name: 'other' });
    await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '415-555-2602', campaignId: other.id });

    const first = await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+1 415 555 2610' }] });
    expect(first.body.accepted).toBe(1);

    const res = await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({
      leads: [
        { phone: '415 555 2611' }, // 0 ok
        { phone: '12' }, // 1 invalid
        { phone: '(415) 555-2611' }, // 2 duplicate within the request
        { phone: '+14155552610' }, // 3 duplicate of the campaign
        { phone: '4155552600' }, // 4 tenant DNC
        { phone: '4155552601' }, // 5 campaign DNC
        { phone: '4155552602' }, // 6 ok (other campaign's DNC)
        { firstName: 'no phone' }, // 7 missing phone
        { phone: '4155552612', email: 'not-an-email' }, // 8 bad email: kept without it, with a warning
        { phone: '4155552613', extra: 1 }, // 9 unknown field
        'just a string', // 10 not an object
        { phone: '4155552614', custom: { nested: { a: 1 } } }, // 11 bad custom
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: 3, duplicates: 2, dncSuppressed: 2 });
    const rejected = res.body.rejected as Array<{ index: number; field: string; reason: string; value?: string }>;
    expect(rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'phone'], [7, 'phone'], [9, 'extra'], [10, 'lead'], [11, 'custom.nested'],
    ]);
    expect(res.body.warnings).toEqual([{ index: 8, field: 'email', value: 'not-an-email', reason: 'email is not an email address; the lead was kept without it' }]);
    expect(rejected[0]).toMatchObject({ value: '12', reason: expect.any(String) });

    const stats = await api.http.get(`/v1/campaigns/${id}/stats`).set(api.auth());
    expect(stats.body).toMatchObject({ totalLeads: 4, dncSuppressed: 2, leads: { pending: 4, queued: 0, dialing: 0, done: 0 }, liveCalls: 0 });
  });

  it('when the leads array is empty or too large, then 400', async () => {
    const c = await createCampaign(api, { name: 'bounds' });
    const empty = await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0].field).toBe('leads');
    const many = Array.from({ length: 10_001 }, () => ({ phone: '1' }));
    const tooMany = await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: many });
    expect(tooMany.status).toBe(400);
  });

  it('when DNC entries are listed and deleted, then only the tenant sees them and deletion is final', async () => {
    const add = await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+14155552699' });
    const again = await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '415 555 2699' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(add.body.id);
    const list = await api.http.get('/v1/dnc').set(api.auth());
    expect(list.body.data.map((d: { id: string }) => d.id)).toContain(add.body.id);
    expect((await api.http.delete(`/v1/dnc/${add.body.id as string}`).set(api.auth())).status).toBe(204);
    expect((await api.http.delete(`/v1/dnc/${add.body.id as string}`).set(api.auth())).status).toBe(404);
    const bad = await api.http.post('/v1/dnc').set(api.auth()).send({ phone: 'abc' });
    expect(bad.status).toBe(400);
  });
});
