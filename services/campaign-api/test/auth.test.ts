import { eventually } from '@dialer/testing';
import { createApiKey } from '../src/tenants/api-keys';
import { createTenant } from '../src/tenants/create-tenant';
import { createCampaign, startApi, type Api } from './helpers';

describe('campaign-api auth and tenant isolation', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('auth');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('when the Authorization header is missing, malformed or names an unknown key, then 401 unauthorized', async () => {
    const missing = await api.http.get('/v1/campaigns');
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('unauthorized');
    const malformed = await api.http.get('/v1/campaigns').set('Authorization', 'Bearer not-a-key');
    expect(malformed.status).toBe(401);
    const basic = await api.http.get('/v1/campaigns').set('Authorization', `Basic ${api.tenant.apiKey}`);
    expect(basic.status).toBe(401);
    const unknown = await api.http.get('/v1/campaigns').set('Authorization', 'Bearer dk_AAAAAAAA_0123456789abcdefghijABCDEFGHIJ0123456789');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('unauthorized');
  });

  it('when a key is valid, then the request passes and last_used_at is recorded; a revoked key gets 401', async () => {
    const ok = await api.http.get('/v1/campaigns').set(api.auth());
    expect(ok.status).toBe(200);
    const key = await api.ctx.ds.transaction((m) => createApiKey(m, api.tenant.tenantId, 'manager'));
    expect((await api.http.get('/v1/campaigns').set(api.auth(key.apiKey))).status).toBe(200);
    const rows: Array<{ key_hash: string; key_prefix: string; last_used_at: Date | null }> = await api.ctx.ds.query(
      `SELECT key_hash, key_prefix, last_used_at FROM api_keys WHERE id = $1`, [key.id]);
    expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.apiKey.startsWith(`${rows[0]!.key_prefix}_`)).toBe(true);
    expect(key.apiKey).toMatch(/^dk_[A-Za-z0-9]{8}_/);
    await eventually(async () => {
      const r: Array<{ last_used_at: Date | null }> = await api.ctx.ds.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [key.id]);
      return r[0]?.last_used_at;
    }, { what: 'last_used_at' });
    await api.ctx.ds.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [key.id]);
    const revoked = await api.http.get('/v1/campaigns').set(api.auth(key.apiKey));
    expect(revoked.status).toBe(401);
  });

  it('when a viewer key writes, then 403 forbidden; reading is allowed', async () => {
    const viewer = await api.ctx.ds.transaction((m) => createApiKey(m, api.tenant.tenantId, 'viewer'));
    expect((await api.http.get('/v1/campaigns').set(api.auth(viewer.apiKey))).status).toBe(200);
    const res = await api.http.post('/v1/campaigns').set(api.auth(viewer.apiKey)).send({ name: 'x' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it("when tenant B touches tenant A's campaign, then every route answers 404", async () => {
    const campaign = await createCampaign(api, { name: 'A only' });
    const b = await createTenant(api.ctx.ds, 'tenant B');
    const asB = api.auth(b.apiKey);
    const id = campaign.id as string;
    const answers = await Promise.all([
      api.http.get(`/v1/campaigns/${id}`).set(asB),
      api.http.patch(`/v1/campaigns/${id}`).set(asB).send({ name: 'stolen' }),
      api.http.delete(`/v1/campaigns/${id}`).set(asB),
      api.http.post(`/v1/campaigns/${id}/start`).set(asB),
      api.http.post(`/v1/campaigns/${id}/leads`).set(asB).send({ leads: [{ phone: '+14155552671' }] }),
      api.http.post(`/v1/campaigns/${id}/leads/csv`).set(asB).set('Content-Type', 'text/csv').send('phone\n+14155552671\n'),
      api.http.get(`/v1/campaigns/${id}/leads`).set(asB),
      api.http.get(`/v1/campaigns/${id}/stats`).set(asB),
      api.http.get(`/v1/provider-connections/${campaign.providerConnectionId as string}`).set(asB),
    ]);
    for (const a of answers) {
      expect(a.status).toBe(404);
      expect(a.body.error.code).toBe('not_found');
    }
    const listB = await api.http.get('/v1/campaigns').set(asB);
    expect(listB.body.data).toEqual([]);
    const still = await api.http.get(`/v1/campaigns/${id}`).set(api.auth());
    expect(still.body.name).toBe('A only');
    const leads: Array<{ n: string }> = await api.ctx.ds.query(`SELECT count(*) AS n FROM leads`);
    expect(Number(leads[0]!.n)).toBe(0);
  });
});
