import { grantSharedAccount, revokeSharedAccount, upsertSharedAccount } from '@dialer/db';
import { ConcurrencyLease } from '@dialer/queue';
import { createApiKey } from '../src/tenants/api-keys';
import { createTenant } from '../src/tenants/create-tenant';
import { createCampaign, startApi, type Api } from './helpers';

/** Issue 18: the tenant's and the provider account's concurrency budgets, and the campaign's weight, through the API. */
describe('concurrency budgets through the API', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('budgets');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('when an admin sets the tenant\'s limit and weight, then GET shows them; null lifts the limit; a bad value is a 400 naming the field', async () => {
    const set = await api.http.patch('/v1/tenant').set(api.auth()).send({ maxConcurrentCalls: 20, weight: 2 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ maxConcurrentCalls: 20, weight: 2 });
    expect((await api.http.get('/v1/tenant').set(api.auth())).body).toMatchObject({ maxConcurrentCalls: 20, weight: 2, defaultCountry: 'US' });

    const bad = await api.http.patch('/v1/tenant').set(api.auth()).send({ maxConcurrentCalls: 0 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toMatch(/maxConcurrentCalls/);
    expect((await api.http.get('/v1/tenant').set(api.auth())).body.maxConcurrentCalls).toBe(20);

    const lifted = await api.http.patch('/v1/tenant').set(api.auth()).send({ maxConcurrentCalls: null });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ maxConcurrentCalls: null, weight: 2 });
  });

  it('when a connection reserves as many slots as its account allows, then it is refused naming reservedCalls; a valid one shows its budget', async () => {
    const base = { name: 'sim', type: 'twilio', baseUrl: 'http://127.0.0.1:3010', accountSid: 'AC123', authToken: 'secret-token', fromNumber: '+14155550100' };
    const bad = await api.http.post('/v1/provider-connections').set(api.auth()).send({ ...base, maxConcurrentCalls: 5, reservedCalls: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'reservedCalls' })]);
    const ok = await api.http.post('/v1/provider-connections').set(api.auth()).send({ ...base, maxConcurrentCalls: 50, reservedCalls: 5, accountKey: 'main' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ maxConcurrentCalls: 50, reservedCalls: 5, accountKey: 'main' });
  });

  it('when an admin patches a connection\'s budget, then it shows and is audited before/after; reserved ≥ max is a 400 naming reservedCalls; managers get 403', async () => {
    const base = { name: 'sim', type: 'twilio', baseUrl: 'http://127.0.0.1:3010', accountSid: 'AC123', authToken: 'secret-token', fromNumber: '+14155550100' };
    const created = await api.http.post('/v1/provider-connections').set(api.auth()).send({ ...base, maxConcurrentCalls: 10, reservedCalls: 2 });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const patched = await api.http.patch(`/v1/provider-connections/${id}`).set(api.auth()).send({ maxConcurrentCalls: 4, accountKey: ' main ' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, maxConcurrentCalls: 4, reservedCalls: 2, accountKey: 'main' });
    expect((await api.http.get(`/v1/provider-connections/${id}`).set(api.auth())).body).toMatchObject({ maxConcurrentCalls: 4, reservedCalls: 2 });
    const audit = await api.http.get(`/v1/audit-log?entityId=${id}&action=provider_connection.update`).set(api.auth());
    expect(audit.body.data).toEqual([expect.objectContaining({
      before: { maxConcurrentCalls: 10, accountKey: null }, after: { maxConcurrentCalls: 4, accountKey: 'main' },
    })]);

    // Lowering the limit to the reserved slots would leave none for campaigns.
    const bad = await api.http.patch(`/v1/provider-connections/${id}`).set(api.auth()).send({ maxConcurrentCalls: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'reservedCalls' })]);
    const noLimit = await api.http.patch(`/v1/provider-connections/${id}`).set(api.auth()).send({ maxConcurrentCalls: null });
    expect(noLimit.status).toBe(400);
    const lifted = await api.http.patch(`/v1/provider-connections/${id}`).set(api.auth()).send({ maxConcurrentCalls: null, reservedCalls: 0, accountKey: null });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ maxConcurrentCalls: null, reservedCalls: 0, accountKey: null });

    expect((await api.http.patch(`/v1/provider-connections/${id}`).set(api.auth()).send({})).status).toBe(400);
    expect((await api.http.patch(`/v1/provider-connections/${id}`).set(api.auth()).send({ maxConcurrentCalls: 'many' })).status).toBe(400);
    expect((await api.http.patch('/v1/provider-connections/00000000-0000-4000-8000-000000000000').set(api.auth()).send({ maxConcurrentCalls: 3 })).status).toBe(404);
    const manager = await createApiKey(api.ctx.ds.manager, api.tenant.tenantId, 'manager');
    expect((await api.http.patch(`/v1/provider-connections/${id}`).set(api.auth(manager.apiKey)).send({ maxConcurrentCalls: 3 })).status).toBe(403);
  });

  it('when the operator opens a shared account to a tenant, then its connections may join it (without a budget of their own); another tenant may not', async () => {
    const base = { name: 'sim', type: 'twilio', baseUrl: 'http://127.0.0.1:3010', accountSid: 'AC123', authToken: 'secret-token', fromNumber: '+14155550100' };
    const key = `resell-${api.tenant.tenantId}`;
    const notYet = await api.http.post('/v1/provider-connections').set(api.auth()).send({ ...base, sharedAccount: key });
    expect(notYet.status).toBe(400);
    expect(notYet.body.error.details).toEqual([expect.objectContaining({ field: 'sharedAccount', reason: expect.stringMatching(/no shared account .* open to this tenant/) })]);

    // The operator's path (the account:shared CLI): declare the account with its limit, open it to this tenant.
    expect(await upsertSharedAccount(api.ctx.ds, { key, type: 'twilio', maxConcurrentCalls: 20, reservedCalls: 2 })).toBe(true);
    expect(await grantSharedAccount(api.ctx.ds, key, api.tenant.tenantId)).toBe(true);
    const own = await api.http.post('/v1/provider-connections').set(api.auth()).send({ ...base, sharedAccount: key, maxConcurrentCalls: 500 });
    expect(own.status).toBe(400);
    expect(own.body.error.details).toEqual([expect.objectContaining({ field: 'maxConcurrentCalls' })]);
    const joined = await api.http.post('/v1/provider-connections').set(api.auth()).send({ ...base, sharedAccount: key });
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ sharedAccount: key, maxConcurrentCalls: null, accountKey: null });
    const vapi = await api.http.post('/v1/provider-connections').set(api.auth())
      .send({ name: 'v', type: 'vapi', apiKey: 'k', assistantId: 'a', phoneNumberId: 'p', sharedAccount: key });
    expect(vapi.status).toBe(400);
    expect(vapi.body.error.message).toMatch(/is a twilio account, not vapi/);

    // A connection with its own budget joins by PATCH: its own budget is cleared, audited.
    const mine = await api.http.post('/v1/provider-connections').set(api.auth()).send({ ...base, maxConcurrentCalls: 10, accountKey: 'main' });
    const patched = await api.http.patch(`/v1/provider-connections/${mine.body.id as string}`).set(api.auth()).send({ sharedAccount: key });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ sharedAccount: key, maxConcurrentCalls: null, reservedCalls: 0, accountKey: null });
    const raise = await api.http.patch(`/v1/provider-connections/${mine.body.id as string}`).set(api.auth()).send({ maxConcurrentCalls: 1000 });
    expect(raise.status).toBe(400);
    expect(raise.body.error.details).toEqual([expect.objectContaining({ field: 'maxConcurrentCalls' })]);

    // Another tenant naming the key gets the same answer as for a key that does not exist.
    const other = await createTenant(api.ctx.ds, 'tenant budgets other');
    const stranger = await api.http.post('/v1/provider-connections').set(api.auth(other.apiKey)).send({ ...base, sharedAccount: key });
    expect(stranger.status).toBe(400);
    expect(stranger.body.error.details).toEqual(notYet.body.error.details);

    // Closing it to the tenant waits until its connections left.
    expect(await revokeSharedAccount(api.ctx.ds, key, api.tenant.tenantId)).toEqual({ result: 'in_use', connections: 2 });
    for (const id of [joined.body.id as string, mine.body.id as string]) {
      expect((await api.http.patch(`/v1/provider-connections/${id}`).set(api.auth()).send({ sharedAccount: null })).body.sharedAccount).toBeNull();
    }
    expect(await revokeSharedAccount(api.ctx.ds, key, api.tenant.tenantId)).toEqual({ result: 'revoked' });
  });

  it('when a campaign is created with a weight, then it shows it, an update changes it, and 0 is refused', async () => {
    const c = await createCampaign(api, { weight: 3 });
    expect(c.weight).toBe(3);
    const updated = await api.http.patch(`/v1/campaigns/${c.id as string}`).set(api.auth()).send({ weight: 1 });
    expect(updated.status).toBe(200);
    expect(updated.body.weight).toBe(1);
    const bad = await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'w', weight: 0 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toMatch(/weight/);
  });

  it('when the tenant\'s slots are all held by another campaign and leads are due, then the dialing state says it is at the tenant\'s limit', async () => {
    await api.http.patch('/v1/tenant').set(api.auth()).send({ maxConcurrentCalls: 1 });
    const busy = await createCampaign(api, {});
    const waiting = await createCampaign(api, {});
    const added = await api.http.post(`/v1/campaigns/${waiting.id as string}/leads`).set(api.auth()).send({ leads: [{ phone: '+447911123456' }] });
    expect(added.status).toBe(201);
    expect((await api.http.post(`/v1/campaigns/${waiting.id as string}/start`).set(api.auth())).status).toBe(200);
    const lease = new ConcurrencyLease(api.ctx.redis, api.ctx.queuePrefix);
    await api.ctx.redis.set(lease.markerKey(), '1');
    const held = await lease.takeSlot({
      campaignId: busy.id as string, tenantId: api.tenant.tenantId, accountGroup: busy.providerConnectionId as string, member: 'x#1',
      campaignLimit: 5, tenantLimit: 1, accountLimit: null,
    }, 60_000);
    expect(held.result).toBe('held');

    const stats = await api.http.get(`/v1/campaigns/${waiting.id as string}/stats`).set(api.auth());
    expect(stats.status).toBe(200);
    expect(stats.body.dialing).toMatchObject({ state: 'at_limit', limitedBy: 'tenant' });
    expect(stats.body.dialing.message).toMatch(/^At the tenant's limit of 1/);
  });
});
