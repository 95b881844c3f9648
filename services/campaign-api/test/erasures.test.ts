import { createCampaign, startApi, type Api } from './helpers';

/**
 * POST /v1/erasures in campaign-api alone (the end-to-end proof with calls, webhooks and the
 * generic scan of every table is test/e2e/erasure.test.ts): input, roles, a call in progress,
 * email-only erasures, and the DNC hash it may leave.
 */
describe('erasure of a person (campaign-api)', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('erasures', {}, { captureLogs: true });
  });
  afterAll(async () => {
    await api?.close();
  });

  const erase = (body: unknown, key?: string) => api.http.post('/v1/erasures').set(api.auth(key)).send(body as object);

  it('when the body names nobody or a bad number or email, then 400 says what, and nothing changes', async () => {
    const empty = await erase({});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('phone, email or both');
    const badPhone = await erase({ phone: '12' });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.details[0].field).toBe('phone');
    expect((await erase({ email: 'not-an-email' })).status).toBe(400);
    expect((await erase({ phone: '+14155550000', doNotCall: 'yes' })).status).toBe(400);
    expect((await erase({ phone: '+14155550000', extra: 1 })).status).toBe(400);
    const [n] = await api.ctx.ds.query(`SELECT (SELECT count(*) FROM erasures)::int + (SELECT count(*) FROM dnc_entries)::int AS n`);
    expect(n.n).toBe(0);
  });

  it('when a manager or viewer asks, then 403: only admins erase', async () => {
    for (const role of ['manager', 'viewer']) {
      const key = await api.http.post('/v1/api-keys').set(api.auth()).send({ name: role, role });
      expect((await erase({ phone: '+14155550001' }, key.body.apiKey as string)).status).toBe(403);
    }
  });

  it('when the person is being dialled, then the number is on the DNC list at once and the erasure answers 409 until the call is settled', async () => {
    const c = await createCampaign(api);
    const add = await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155552680', email: 'dial@example.com' }] });
    expect(add.body.accepted).toBe(1);
    const [[lead]] = await api.ctx.ds.query(`UPDATE leads SET status = 'dialing' WHERE campaign_id = $1 RETURNING id`, [c.id]);
    const busy = await erase({ phone: '(415) 555-2680' });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('erasure_call_live');
    expect((await api.http.post('/v1/dnc/check').set(api.auth()).send({ phones: ['+14155552680'] })).body.data[0].dnc).toBe(true);
    const [still] = await api.ctx.ds.query(`SELECT count(*)::int AS n FROM leads WHERE id = $1`, [lead.id]);
    expect(still.n).toBe(1);

    // The call ended and was folded: the retry erases; the person did not ask not to be called, so no entry stays.
    await api.ctx.ds.query(`UPDATE leads SET status = 'done', disposition = 'answered' WHERE id = $1`, [lead.id]);
    const done = await erase({ phone: '(415) 555-2680' });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ dncHashed: false, counts: { leads: 1 }, remaining: {} });
    const [left] = await api.ctx.ds.query(`SELECT (SELECT count(*) FROM leads WHERE campaign_id = $1)::int AS leads, (SELECT count(*) FROM dnc_entries)::int AS dnc`, [c.id]);
    expect(left).toEqual({ leads: 0, dnc: 0 });
  });

  it('when only an email is given, then the leads with that email go and no DNC entry is made', async () => {
    const c = await createCampaign(api);
    await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [
      { phone: '+14155552681', email: 'Grace@Example.com' }, { phone: '+14155552682', email: 'other@example.com', custom: { contact: 'grace@example.com' } },
      { phone: '+14155552683', email: 'keep@example.com' },
    ] });
    const r = await erase({ email: 'GRACE@example.com' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ dncHashed: false, counts: { leads: 2 } });
    const phones = (await api.ctx.ds.query(`SELECT phone_e164 FROM leads WHERE campaign_id = $1`, [c.id]) as Array<{ phone_e164: string }>).map((x) => x.phone_e164);
    expect(phones).toEqual(['+14155552683']);
    expect(await api.ctx.ds.query(`SELECT 1 FROM dnc_entries`)).toEqual([]);
  });

  it('when the number was on a DNC list, then only its hash stays, refusing it at import and in checks; DELETE /v1/dnc by number removes the hash', async () => {
    const c = await createCampaign(api);
    expect((await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+14155552684', campaignId: c.id })).status).toBe(201);
    const r = await erase({ phone: '415-555-2684' });
    expect(r.status).toBe(201);
    expect(r.body.dncHashed).toBe(true);
    const list = await api.http.get('/v1/dnc').set(api.auth());
    expect(list.body.data).toEqual([expect.objectContaining({ phoneE164: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), campaignId: null, source: 'erasure' })]);
    expect(JSON.stringify(list.body)).not.toContain('4155552684');

    const add = await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [{ phone: '(415) 555-2684' }, { phone: '+14155552685' }] });
    expect(add.body).toMatchObject({ accepted: 1, dncSuppressed: 1 });
    const csv = await api.http.post(`/v1/campaigns/${c.id as string}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send('phone\n415 555 2684\n');
    expect(csv.body).toMatchObject({ accepted: 0, dncSuppressed: 1 });

    // The erasure is audited with counts only.
    const audit = await api.http.get('/v1/audit-log').query({ action: 'erasure.create' }).set(api.auth());
    const entry = audit.body.data.find((a: { entityId: string }) => a.entityId === r.body.id);
    expect(entry.after).toMatchObject({ dncHashed: true });
    expect(JSON.stringify(audit.body)).not.toContain('4155552684');

    expect((await api.http.delete('/v1/dnc').query({ phone: '+14155552684' }).set(api.auth())).status).toBe(204);
    expect((await api.http.post('/v1/dnc/check').set(api.auth()).send({ phones: ['+14155552684'] })).body.data[0].dnc).toBe(false);
  });

  it('when erasures ran, then the service logged no number or email', () => {
    const text = JSON.stringify(api.logs);
    for (const s of ['4155552680', '4155552681', '4155552684', 'grace@example.com']) expect(text).not.toContain(s);
  });
});
