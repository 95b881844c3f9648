import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16, retention and erasure:
 * - tenants: how many days to keep provider call data (recordings, transcripts, analysis), call
 *   attempts, raw webhook events and ended leads; NULL keeps them forever (the default).
 * - purge_runs: one row per tenant per run of the scheduler's purge job, with what it removed.
 * - erasures: one row per erasure of a person, with counts per table and no personal data.
 * - indexes for the purge's batched age scans (webhook events per tenant by age, ended leads per
 *   campaign by age), and one telling the DNC check whether a tenant has hashed entries.
 * A DNC entry kept for an erased person holds `sha256:<hex>` in phone_e164 (see dncPhoneHash in
 * packages/db dnc-entries.repository.ts); the column has no format check, so no change is needed.
 */
export class RetentionErasure1763880000000 implements MigrationInterface {
  name = 'RetentionErasure1763880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenants
        ADD COLUMN retention_call_data_days int CHECK (retention_call_data_days BETWEEN 1 AND 36500),
        ADD COLUMN retention_attempts_days int CHECK (retention_attempts_days BETWEEN 1 AND 36500),
        ADD COLUMN retention_webhook_events_days int CHECK (retention_webhook_events_days BETWEEN 1 AND 36500),
        ADD COLUMN retention_ended_leads_days int CHECK (retention_ended_leads_days BETWEEN 1 AND 36500);

      CREATE TABLE purge_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL DEFAULT now(),
        cutoff_now timestamptz NOT NULL,
        removed jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX purge_runs_tenant ON purge_runs (tenant_id, started_at DESC, id DESC);

      CREATE TABLE erasures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        api_key_id uuid,
        user_id uuid,
        dnc_hashed boolean NOT NULL,
        counts jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX erasures_tenant ON erasures (tenant_id, created_at DESC);

      CREATE INDEX webhook_events_tenant_received ON webhook_events (tenant_id, received_at);
      CREATE INDEX leads_ended ON leads (campaign_id, updated_at) WHERE status = 'done';
      -- Does the tenant have entries made by an erasure (hashed numbers)? dncHit asks before hashing.
      CREATE INDEX dnc_entries_erasure ON dnc_entries (tenant_id) WHERE source = 'erasure';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS dnc_entries_erasure;
      DROP INDEX IF EXISTS leads_ended;
      DROP INDEX IF EXISTS webhook_events_tenant_received;
      DROP TABLE IF EXISTS erasures;
      DROP TABLE IF EXISTS purge_runs;
      DELETE FROM dnc_entries WHERE phone_e164 LIKE 'sha256:%';
      ALTER TABLE tenants
        DROP COLUMN retention_call_data_days, DROP COLUMN retention_attempts_days,
        DROP COLUMN retention_webhook_events_days, DROP COLUMN retention_ended_leads_days;
    `);
  }
}
