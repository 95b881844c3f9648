import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The secure API (issue 8):
 * - campaigns.compliance_mode: standard | hipaa | pci. In hipaa and pci mode a trigger keeps
 *   recordings and transcripts (and, in hipaa, the provider's analysis) out of call_attempts,
 *   whichever service writes them.
 * - idempotency_keys: the stored answer of a create sent with an Idempotency-Key, per tenant.
 * - audit_log indexes for the filtered reads of GET /v1/audit-log.
 */
export class SecureApi1763760000000 implements MigrationInterface {
  name = 'SecureApi1763760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns ADD COLUMN compliance_mode text NOT NULL DEFAULT 'standard'
        CHECK (compliance_mode IN ('standard','hipaa','pci'));

      CREATE FUNCTION call_attempts_compliance() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE mode text;
      BEGIN
        SELECT compliance_mode INTO mode FROM campaigns WHERE id = NEW.campaign_id;
        IF mode IN ('hipaa', 'pci') THEN
          NEW.recording_url := NULL;
          NEW.transcript := NULL;
        END IF;
        IF mode = 'hipaa' THEN
          NEW.analysis := NULL;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER call_attempts_compliance BEFORE INSERT OR UPDATE ON call_attempts
        FOR EACH ROW WHEN (NEW.recording_url IS NOT NULL OR NEW.transcript IS NOT NULL OR NEW.analysis IS NOT NULL)
        EXECUTE FUNCTION call_attempts_compliance();

      CREATE TABLE idempotency_keys (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        key text NOT NULL,
        fingerprint text NOT NULL,
        status_code int,
        response jsonb,
        location text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      );
      CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

      CREATE INDEX audit_log_tenant_entity ON audit_log (tenant_id, entity_type, entity_id, id DESC);
      CREATE INDEX audit_log_tenant_id ON audit_log (tenant_id, id DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS audit_log_tenant_id;
      DROP INDEX IF EXISTS audit_log_tenant_entity;
      DROP TABLE IF EXISTS idempotency_keys;
      DROP TRIGGER IF EXISTS call_attempts_compliance ON call_attempts;
      DROP FUNCTION IF EXISTS call_attempts_compliance();
      ALTER TABLE campaigns DROP COLUMN IF EXISTS compliance_mode;
    `);
  }
}
