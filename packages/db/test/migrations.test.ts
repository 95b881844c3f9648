import { createTestContext, type TestContext } from '@dialer/testing';

describe('migrations', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('db');
  });
  afterAll(async () => ctx.close());

  it('when migrated, then every table of the data model exists in the test schema', async () => {
    const rows: Array<{ table_name: string }> = await ctx.ds.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [ctx.schema]);
    expect(rows.map((r) => r.table_name)).toEqual([
      'api_keys', 'audit_log', 'call_attempts', 'campaign_lead_counts', 'campaign_stat_buckets', 'campaign_stats', 'campaigns',
      'dnc_entries', 'idempotency_keys', 'import_errors', 'import_jobs', 'lead_count_deltas', 'leads',
      'provider_connections', 'schema_migrations', 'tenants', 'user_sessions', 'user_tokens', 'users', 'webhook_events',
    ]);
  });

  it('when a lead gets a second call attempt with the same number, then the database refuses it', async () => {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('a') RETURNING id`);
    const [c] = await ctx.ds.query(`INSERT INTO campaigns (tenant_id, name) VALUES ($1, 'c') RETURNING id`, [t.id]);
    const [l] = await ctx.ds.query(`INSERT INTO leads (tenant_id, campaign_id, phone_e164) VALUES ($1, $2, '+14155552671') RETURNING id`, [t.id, c.id]);
    const insert = () => ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider) VALUES ($1, $2, $3, 1, 'twilio')`, [t.id, c.id, l.id]);
    await insert();
    await expect(insert()).rejects.toThrow(/call_attempts_lead_attempt/);
  });
});
