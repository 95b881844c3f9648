import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lead records (issue 16): a removed lead is soft-deleted. `deleted_at` hides it from every read;
 * the row stays (status done), so its call attempts, the campaign's call counters and the recount
 * keep agreeing, and its number keeps deduplicating re-imports into the same campaign.
 *
 * A campaign's leads (list, CSV export) are walked by (campaign_id, created_at, id): one index. The
 * tenant-wide search has none of its own: its conditions (ILIKE on names and email, digits anywhere
 * in the number) cannot use a btree, so it is a filtered scan of the tenant's leads either way, and
 * each index on leads costs every import row (three indexes, as first written here, measured +35 %
 * Postgres CPU on `pnpm bench import`; with this one, the same as before). Exact numbers still use
 * leads_tenant_phone.
 */
export class LeadRecords1763830000000 implements MigrationInterface {
  name = 'LeadRecords1763830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE leads ADD COLUMN deleted_at timestamptz;
      CREATE INDEX leads_campaign_created ON leads (campaign_id, created_at, id) WHERE deleted_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS leads_campaign_created;
      ALTER TABLE leads DROP COLUMN IF EXISTS deleted_at;
    `);
  }
}
