import { findProviderConnection } from '@dialer/db';
import { createTestContext, type TestContext } from '@dialer/testing';

describe('provider connection loader', () => {
  let ctx: TestContext;
  let tenantId: string;
  let otherTenantId: string;
  let liveId: string;
  let deletedId: string;
  beforeAll(async () => {
    ctx = await createTestContext('connections');
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
    const [o] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('o') RETURNING id`);
    tenantId = t.id;
    otherTenantId = o.id;
    const insert = `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed, calls_per_second, deleted_at)
                    VALUES ($1, $2, 'twilio', 'http://sim', '{"accountSid":"AC1"}', 'sealed', 2.5, $3) RETURNING id`;
    liveId = (await ctx.ds.query(insert, [tenantId, 'live', null]))[0].id;
    deletedId = (await ctx.ds.query(insert, [tenantId, 'gone', new Date()]))[0].id;
  });
  afterAll(async () => ctx.close());

  it('when a live connection is asked for, then it comes with its settings, sealed credentials and pace', async () => {
    await expect(findProviderConnection(ctx.ds, liveId, { tenantId })).resolves.toEqual({
      id: liveId, tenantId, type: 'twilio', baseUrl: 'http://sim', config: { accountSid: 'AC1' }, secretsSealed: 'sealed', callsPerSecond: 2.5,
    });
    await expect(findProviderConnection(ctx.ds, liveId)).resolves.toMatchObject({ id: liveId, tenantId });
  });

  it('when the connection is of another tenant, then there is none', async () => {
    await expect(findProviderConnection(ctx.ds, liveId, { tenantId: otherTenantId })).resolves.toBeNull();
  });

  it('when the connection was deleted, then only a caller settling old calls gets it', async () => {
    await expect(findProviderConnection(ctx.ds, deletedId, { tenantId })).resolves.toBeNull();
    await expect(findProviderConnection(ctx.ds, deletedId)).resolves.toBeNull();
    await expect(findProviderConnection(ctx.ds, deletedId, { tenantId, includeDeleted: true })).resolves.toMatchObject({ id: deletedId });
  });
});
