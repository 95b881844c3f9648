import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One foreign key on leads instead of two (issue 3, imports at scale).
 *
 * leads had `tenant_id → tenants` and `campaign_id → campaigns`, both ON DELETE CASCADE. Every row
 * inserted fires one RI trigger per key (a lookup and a FOR KEY SHARE of the parent row): at 10,000
 * rows a batch the two cost ~50 ms of a ~190 ms import batch statement (EXPLAIN ANALYZE trigger times).
 *
 * The tenant key is redundant with the campaign's: a campaign belongs to a tenant
 * (campaigns.tenant_id → tenants ON DELETE CASCADE), so deleting a tenant already deletes its
 * campaigns and, through them, their leads. Nothing deletes tenants or campaigns row by row in the
 * code (campaigns are soft-deleted with deleted_at; grep DELETE FROM campaigns / tenants): the
 * cascade is for an operator's DELETE. What the tenant key checked that the campaign key did not — the
 * lead's tenant_id names a tenant — is replaced by something stronger: the single key is
 * (campaign_id, tenant_id) → campaigns (id, tenant_id), so a lead's tenant must be its campaign's
 * tenant (tenant isolation every query relies on), with one RI check a row instead of two.
 * ON DELETE CASCADE is kept, so deleting a campaign (or a tenant, through its campaigns) still
 * deletes its leads; a campaign cannot move to another tenant while it has leads.
 *
 * The key is added NOT VALID and then validated, so an existing table is checked once without an
 * exclusive lock held during the scan (in this migration's transaction the ADD's lock is held anyway;
 * split it if leads is very large in production).
 */
export class LeadCampaignKey1763780000000 implements MigrationInterface {
  name = 'LeadCampaignKey1763780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns ADD CONSTRAINT campaigns_id_tenant UNIQUE (id, tenant_id);
      ALTER TABLE leads ADD CONSTRAINT leads_campaign_tenant_fkey FOREIGN KEY (campaign_id, tenant_id)
        REFERENCES campaigns (id, tenant_id) ON DELETE CASCADE NOT VALID;
      ALTER TABLE leads VALIDATE CONSTRAINT leads_campaign_tenant_fkey;
      ALTER TABLE leads DROP CONSTRAINT leads_campaign_id_fkey, DROP CONSTRAINT leads_tenant_id_fkey;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE leads
        ADD CONSTRAINT leads_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        ADD CONSTRAINT leads_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE;
      ALTER TABLE leads DROP CONSTRAINT leads_campaign_tenant_fkey;
      ALTER TABLE campaigns DROP CONSTRAINT campaigns_id_tenant;
    `);
  }
}
