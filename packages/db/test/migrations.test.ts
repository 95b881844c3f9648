import { createTestContext, type TestContext } from '@dialer/testing';
import { DropWriteOnlyStats1763820000000 } from '../src/migrations/1763820000000-drop-write-only-stats';

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
      'api_keys', 'audit_log', 'call_attempts', 'callbacks', 'caller_id_pools', 'caller_ids',
      'campaign_due_counts', 'campaign_lead_counts', 'campaign_stat_buckets', 'campaign_stats', 'campaigns', 'dnc_entries', 'erasures',
      'idempotency_keys', 'import_errors', 'import_jobs', 'lead_consents', 'lead_count_deltas', 'leads', 'outbound_events',
      'provider_connections', 'purge_runs', 'schema_migrations', 'shared_provider_account_tenants', 'shared_provider_accounts', 'tenants', 'user_sessions', 'user_tokens', 'users',
      'webhook_deliveries', 'webhook_delivery_attempts', 'webhook_endpoints', 'webhook_events',
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

  it('when the write-only stats columns are dropped and brought back, then down refills them from the lead counts', async () => {
    const columns = async () => ((await ctx.ds.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'campaign_stats' ORDER BY column_name`,
      [ctx.schema])) as Array<{ column_name: string }>).map((r) => r.column_name);
    expect(await columns()).not.toEqual(expect.arrayContaining(['total_leads']));
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('d') RETURNING id`);
    const [c] = await ctx.ds.query(`INSERT INTO campaigns (tenant_id, name) VALUES ($1, 'c') RETURNING id`, [t.id]);
    await ctx.ds.query(`INSERT INTO campaign_stats (campaign_id, tenant_id) VALUES ($1, $2)`, [c.id, t.id]);
    await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, disposition, attempts)
       VALUES ($1, $2, '+14155550101', 'done', 'answered', 1), ($1, $2, '+14155550102', 'done', 'exhausted', 3),
              ($1, $2, '+14155550103', 'pending', NULL, 0)`, [t.id, c.id]);
    const migration = new DropWriteOnlyStats1763820000000();
    const qr = ctx.ds.createQueryRunner();
    try {
      await migration.down(qr);
      const [row] = await qr.query(`SELECT total_leads, leads_done, attempts, dispositions FROM campaign_stats WHERE campaign_id = $1`, [c.id]);
      expect(row).toEqual({ total_leads: '3', leads_done: '2', attempts: '4', dispositions: { answered: 1, exhausted: 1 } });
      await migration.up(qr);
    } finally {
      await qr.release();
    }
    expect(await columns()).toEqual(['calls_ended', 'campaign_id', 'canceled', 'connected', 'dnc_suppressed', 'failed',
      'no_answer', 'talk_seconds', 'tenant_id', 'updated_at', 'voicemail', 'busy'].sort());
  });
});
