import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lead records (issue 16): a removed lead is soft-deleted. `deleted_at` hides it from every read;
 * the row stays (status done), so its call attempts, the campaign's call counters and the recount
 * keep agreeing, and its number keeps deduplicating re-imports into the same campaign.
 *
 * A campaign's leads (list, CSV export) are walked by (campaign_id, created_at, id); search across a tenant's campaigns pages by (tenant_id, created_at, id) over live leads; email
 * is matched case-insensitively. Names and partial numbers are filtered within the tenant's page
 * walk (no trigram index: pg_trgm is not assumed to be installed).
 */
export class LeadRecords1763830000000 implements MigrationInterface {
  name = 'LeadRecords1763830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE leads ADD COLUMN deleted_at timestamptz;
      CREATE INDEX leads_tenant_created ON leads (tenant_id, created_at, id) WHERE deleted_at IS NULL;
      CREATE INDEX leads_campaign_created ON leads (campaign_id, created_at, id) WHERE deleted_at IS NULL;
      CREATE INDEX leads_tenant_email ON leads (tenant_id, lower(email)) WHERE email IS NOT NULL AND deleted_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS leads_tenant_email;
      DROP INDEX IF EXISTS leads_campaign_created;
      DROP INDEX IF EXISTS leads_tenant_created;
      ALTER TABLE leads DROP COLUMN IF EXISTS deleted_at;
    `);
  }
}
