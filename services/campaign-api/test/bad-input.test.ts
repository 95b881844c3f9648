import { startApi, createCampaign, type Api } from './helpers';

/**
 * Input that used to reach Postgres and come back as a 500: each is a 400 `validation_failed`
 * naming the field and the reason, and changes nothing.
 */

let api: Api;
let campaign: Record<string, any>;

beforeAll(async () => {
  api = await startApi('bad-input');
  campaign = await createCampaign(api, { name: 'spring', settings: { a: 1 } });
});

afterAll(async () => {
  await api?.close();
});

/** Everything the tenant owns that a request could change. */
async function fingerprint(): Promise<string> {
  const rows = await api.ctx.ds.query(
    `SELECT (SELECT json_agg(c ORDER BY c.id) FROM campaigns c WHERE c.tenant_id = $1) AS campaigns,
            (SELECT json_agg(p.name ORDER BY p.id) FROM provider_connections p WHERE p.tenant_id = $1) AS connections,
            (SELECT json_agg(k.name ORDER BY k.id) FROM api_keys k WHERE k.tenant_id = $1) AS keys,
            (SELECT count(*) FROM leads WHERE tenant_id = $1) AS leads,
            (SELECT count(*) FROM dnc_entries WHERE tenant_id = $1) AS dnc`, [api.tenant.tenantId]);
  return JSON.stringify(rows[0]);
}

function expect400(res: { status: number; body: any }, field: RegExp | string, reason: RegExp): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 400, code: 'validation_failed' });
  expect(res.body.error.message).toEqual(expect.any(String));
  const details: Array<{ field: string; reason: string }> = res.body.error.details;
  expect(details).toEqual(expect.arrayContaining([
    { field: typeof field === 'string' ? field : expect.stringMatching(field), reason: expect.stringMatching(reason) },
  ]));
}

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe('bad input is a 400 naming the field, never a 500', () => {
  test('when a string in a body or a query filter holds a NUL, then 400 naming the field and nothing changes', async () => {
    const before = await fingerprint();
    const id = campaign.id as string;
    expect400(await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'a\u0000b' }), 'name', /NUL/);
    expect400(await api.http.patch(`/v1/campaigns/${id}`).set(api.auth()).send({ settings: { note: 'x\u0000' } }), 'settings.note', /NUL/);
    expect400(await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+12025550100', custom: { k: '\u0000' } }] }), /leads\[0\]\.custom\.k/, /NUL/);
    expect400(await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+1202555\u00000100' }), 'phone', /NUL/);
    expect400(await api.http.post('/v1/api-keys').set(api.auth()).send({ name: 'k\u0000', role: 'viewer' }), 'name', /NUL/);
    expect400(await api.http.get('/v1/campaigns?name=a%00b').set(api.auth()), 'name', /NUL/);
    expect400(await api.http.get('/v1/audit-log?entityType=a%00').set(api.auth()), 'entityType', /NUL/);
    expect400(await api.http.get(`/v1/campaigns/${id}/leads?search=%00`).set(api.auth()), 'search', /NUL/);
    expect(await fingerprint()).toBe(before);
  });

  test('when a jsonb field holds a lone surrogate, then 400 naming its path and nothing changes', async () => {
    const before = await fingerprint();
    expect400(await api.http.patch(`/v1/campaigns/${campaign.id}`).set(api.auth()).send({ settings: { x: '\ud800' } }), 'settings.x', /surrogate/);
    expect400(await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'c', settings: { ['\udc00']: 1 } }), /settings/, /surrogate/);
    expect400(await api.http.post(`/v1/campaigns/${campaign.id}/leads`).set(api.auth()).send({ leads: [{ phone: '+12025550100', custom: { k: 'a\ud800b' } }] }), /custom\.k/, /surrogate/);
    expect(await fingerprint()).toBe(before);
  });

  test('when PATCH sets a non-nullable field to null, then 400 "must not be null" for each; nullable ones still clear', async () => {
    const before = await fingerprint();
    for (const field of ['name', 'defaultCountry', 'defaultTimezone', 'maxConcurrentCalls', 'maxAttempts', 'retryPolicy', 'callingWindow', 'settings', 'complianceMode']) {
      expect400(await api.http.patch(`/v1/campaigns/${campaign.id}`).set(api.auth()).send({ [field]: null }), field, /must not be null/);
    }
    expect(await fingerprint()).toBe(before);
    const ok = await api.http.patch(`/v1/campaigns/${campaign.id}`).set(api.auth()).send({ scheduledStartAt: null, maxCallsPerNumber24h: null });
    expect(ok.status).toBe(200);
  });

  test('when a from/to filter lies outside the dates Postgres holds, then 400 naming it', async () => {
    const before = await fingerprint();
    for (const bad of ['%2B275760-09-13T00:00:00Z', '0000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z']) {
      expect400(await api.http.get(`/v1/campaigns/${campaign.id}/calls?from=${bad}`).set(api.auth()), 'from', /date between/);
      expect400(await api.http.get(`/v1/campaigns/${campaign.id}/stats/timeseries?to=${bad}`).set(api.auth()), 'to', /date between/);
      expect400(await api.http.get(`/v1/audit-log?from=${bad}`).set(api.auth()), 'from', /date between/);
    }
    expect400(await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'c', scheduledStartAt: '+275760-09-13T00:00:00Z' }), 'scheduledStartAt', /date between/);
    expect(await fingerprint()).toBe(before);
  });

  test('when a JSON body nests 3,000 levels deep, then 400 naming where, on every kind of JSON route', async () => {
    const before = await fingerprint();
    const deep = nested(3000);
    expect400(await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'c', settings: deep }), /^settings(\.a)+$/, /nested deeper/);
    expect400(await api.http.patch(`/v1/campaigns/${campaign.id}`).set(api.auth()).send({ settings: deep }), /^settings/, /nested deeper/);
    expect400(await api.http.post(`/v1/campaigns/${campaign.id}/leads`).set(api.auth()).send({ leads: [{ phone: '+12025550100', custom: deep }] }), /custom/, /nested deeper/);
    expect400(await api.http.post('/v1/dnc/check').set(api.auth()).send(deep as object), /^a(\.a)+$/, /nested deeper/);
    expect(await fingerprint()).toBe(before);
  });

  test('when the audit-log cursor overflows a bigint, then 400 naming cursor', async () => {
    expect400(await api.http.get('/v1/audit-log?cursor=9999999999999999999').set(api.auth()), 'cursor', /nextCursor/);
    const fine = await api.http.get('/v1/audit-log?cursor=9223372036854775807').set(api.auth());
    expect(fine.status).toBe(200);
  });

  test('when a name is only whitespace, then 400 "must not be blank" and nothing is stored as ""', async () => {
    const before = await fingerprint();
    expect400(await api.http.post('/v1/campaigns').set(api.auth()).send({ name: '   ' }), 'name', /blank/);
    expect400(await api.http.patch(`/v1/campaigns/${campaign.id}`).set(api.auth()).send({ name: '\t ' }), 'name', /blank/);
    expect400(await api.http.post('/v1/api-keys').set(api.auth()).send({ name: '  ', role: 'viewer' }), 'name', /blank/);
    expect400(await api.http.post('/v1/provider-connections').set(api.auth()).send({
      name: ' ', type: 'twilio', baseUrl: 'http://127.0.0.1:3010', accountSid: 'AC123', authToken: 'secret-token', fromNumber: '+14155550100',
    }), 'name', /blank/);
    expect(await fingerprint()).toBe(before);
  });
});
