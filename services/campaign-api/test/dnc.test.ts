import { createCampaign, startApi, type Api } from './helpers';

describe('DNC changes: what each use case writes and audits', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('dnc');
  });
  afterAll(async () => {
    await api?.close();
  });

  async function dncAudit(): Promise<Array<{ action: string; entityId: string | null; after: Record<string, unknown> | null }>> {
    const res = await api.http.get('/v1/audit-log').query({ entityType: 'dnc_entry', limit: 100 }).set(api.auth());
    expect(res.status).toBe(200);
    return res.body.data;
  }

  it('when numbers are added, imported and removed, then each change is audited once with its entry, and a repeated add or a failed removal is not', async () => {
    const c = await createCampaign(api, { defaultCountry: 'GB' });
    // A national number is read in the campaign's numbering (GB), not the tenant list's (US).
    const added = await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '07911 000101', campaignId: c.id, reason: 'asked' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ phoneE164: '+447911000101', campaignId: c.id, reason: 'asked', source: 'api' });
    const repeat = await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+447911000101', campaignId: c.id });
    expect(repeat.status).toBe(200);
    expect(repeat.body.id).toBe(added.body.id);

    const imp = await api.http.post('/v1/dnc/csv').query({ campaignId: c.id, reason: 'list' })
      .set(api.auth()).set('Content-Type', 'text/csv').send('phone\n07911 000102\n+447911000101\n');
    expect(imp.body).toEqual({ rows: 2, added: 1, duplicates: 1, invalid: 0, errors: [] });

    const missing = await api.http.delete('/v1/dnc').query({ phone: '+447911000199', campaignId: c.id }).set(api.auth());
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.body)).not.toContain('447911000199');
    // Listed for the campaign, not for the tenant: removing it from the tenant's list finds nothing.
    expect((await api.http.delete('/v1/dnc').query({ phone: '+447911000102' }).set(api.auth())).status).toBe(404);
    expect((await api.http.delete('/v1/dnc').query({ phone: '07911 000102', campaignId: c.id }).set(api.auth())).status).toBe(204);
    expect((await api.http.delete(`/v1/dnc/${added.body.id as string}`).set(api.auth())).status).toBe(204);

    const audit = await dncAudit();
    expect(audit.map((a) => a.action)).toEqual(['dnc.delete', 'dnc.delete', 'dnc.import', 'dnc.add']);
    expect(audit[0]!.entityId).toBe(added.body.id);
    expect(audit[2]!.after).toEqual({ campaignId: c.id, added: 1, rows: 2 });
    expect(audit[3]!).toMatchObject({ entityId: added.body.id, after: { campaignId: c.id } });
    const left = await api.http.post('/v1/dnc/check').set(api.auth()).send({ phones: ['+447911000101', '+447911000102'], campaignId: c.id });
    expect(left.body.data.map((d: { dnc: boolean }) => d.dnc)).toEqual([false, false]);
  });

  it('when a number is added for an unknown campaign, then 404 and nothing is written', async () => {
    const unknown = '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10';
    const res = await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+14155550123', campaignId: unknown });
    expect(res.status).toBe(404);
    const rows = await api.ctx.ds.query(`SELECT count(*)::int AS n FROM dnc_entries WHERE phone_e164 = '+14155550123'`);
    expect(rows[0].n).toBe(0);
  });
});
