import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent records and the pre-dial eligibility hook (issues 16 and 17).
 *
 * - `lead_consents`: a lead's consent records, history kept. Giving consent again supersedes the
 *   current record (`superseded_at`), a revoke marks it (`revoked_at`, `revoked_reason`): a record is
 *   never deleted while its lead lives, so a call attempt can point to the record it relied on
 *   (`call_attempts.consent_id`). At most one current (not superseded) record per lead.
 * - `campaigns.consent_required`: the weakest consent a lead must hold to be imported and dialled
 *   (null: none required).
 * - `campaigns.pre_dial`: the pre-dial hook ({url, timeoutMs, onError}); `pre_dial_secret` its
 *   Standard Webhooks signing secret, sealed (AES-GCM, like provider credentials).
 * - `callbacks.agent_override`: a callback that goes only through this agent or flow.
 * - `leads.disposition_reason`: why a lead ended, in the words of who ended it (a pre-dial refusal's reason).
 */
export class ConsentPredial1763870000000 implements MigrationInterface {
  name = 'ConsentPredial1763870000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lead_consents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('express_written','express','existing_business_relationship','none')),
        granted_at timestamptz,
        source text CHECK (char_length(source) <= 2000),
        consent_text text CHECK (char_length(consent_text) <= 10000),
        recorded_via text NOT NULL CHECK (recorded_via IN ('api','lead','import')),
        created_at timestamptz NOT NULL DEFAULT now(),
        superseded_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text CHECK (char_length(revoked_reason) <= 1000)
      );
      CREATE UNIQUE INDEX lead_consents_current ON lead_consents (lead_id) WHERE superseded_at IS NULL;
      CREATE INDEX lead_consents_lead ON lead_consents (lead_id, created_at);
      ALTER TABLE call_attempts ADD COLUMN consent_id uuid REFERENCES lead_consents(id) ON DELETE SET NULL;
      ALTER TABLE campaigns
        ADD COLUMN consent_required text CHECK (consent_required IN ('express_written','express','existing_business_relationship','none')),
        ADD COLUMN pre_dial jsonb,
        ADD COLUMN pre_dial_secret text;
      ALTER TABLE callbacks ADD COLUMN agent_override text CHECK (char_length(agent_override) <= 500);
      ALTER TABLE leads ADD COLUMN disposition_reason text CHECK (char_length(disposition_reason) <= 500);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE leads DROP COLUMN disposition_reason;
      ALTER TABLE callbacks DROP COLUMN agent_override;
      ALTER TABLE campaigns DROP COLUMN consent_required, DROP COLUMN pre_dial, DROP COLUMN pre_dial_secret;
      ALTER TABLE call_attempts DROP COLUMN consent_id;
      DROP TABLE IF EXISTS lead_consents;
    `);
  }
}
