import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation schema. Every tenant-owned table carries tenant_id. Tables are created unqualified,
 * in the connection's search_path schema, so tests can isolate themselves per schema.
 */
export class InitialSchema1763700000000 implements MigrationInterface {
  name = 'InitialSchema1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        key_prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        role text NOT NULL DEFAULT 'admin' CHECK (role IN ('admin','manager','viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

      CREATE TABLE provider_connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        type text NOT NULL CHECK (type IN ('twilio','vapi','exotel')),
        base_url text,
        config jsonb NOT NULL DEFAULT '{}',
        secrets_sealed text NOT NULL,
        calls_per_second numeric(8,3) NOT NULL DEFAULT 1 CHECK (calls_per_second > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      );
      CREATE INDEX provider_connections_tenant ON provider_connections (tenant_id);

      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        status text NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft','scheduled','running','paused','completed','stopped','cancelled')),
        provider_connection_id uuid REFERENCES provider_connections(id),
        default_country char(2) NOT NULL DEFAULT 'US',
        default_timezone text NOT NULL DEFAULT 'America/New_York',
        max_concurrent_calls int NOT NULL DEFAULT 5 CHECK (max_concurrent_calls > 0),
        max_attempts int NOT NULL DEFAULT 3 CHECK (max_attempts > 0),
        retry_policy jsonb NOT NULL DEFAULT '{}',
        calling_window jsonb NOT NULL DEFAULT '{}',
        settings jsonb NOT NULL DEFAULT '{}',
        scheduled_start_at timestamptz,
        scheduled_end_at timestamptz,
        started_at timestamptz,
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        version int NOT NULL DEFAULT 1
      );
      CREATE INDEX campaigns_tenant ON campaigns (tenant_id, created_at DESC) WHERE deleted_at IS NULL;
      CREATE INDEX campaigns_active ON campaigns (status) WHERE status IN ('running','scheduled') AND deleted_at IS NULL;

      CREATE TABLE leads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        phone_e164 text NOT NULL CHECK (phone_e164 ~ '^\\+[1-9][0-9]{6,14}$'),
        first_name text,
        last_name text,
        email text,
        timezones text[] NOT NULL DEFAULT '{}',
        custom jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','queued','dialing','done')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        disposition text,
        qualified boolean,
        last_attempt_at timestamptz,
        import_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT leads_campaign_phone UNIQUE (campaign_id, phone_e164)
      );
      -- The feeder's query: due pending leads of one campaign, oldest due first.
      CREATE INDEX leads_due ON leads (campaign_id, next_attempt_at) WHERE status = 'pending';
      -- Hopper size and completion checks.
      CREATE INDEX leads_open ON leads (campaign_id, status) WHERE status <> 'done';
      CREATE INDEX leads_tenant_phone ON leads (tenant_id, phone_e164);

      CREATE TABLE call_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
        attempt_no int NOT NULL CHECK (attempt_no > 0),
        provider text NOT NULL,
        provider_connection_id uuid REFERENCES provider_connections(id),
        provider_call_id text UNIQUE,
        status text NOT NULL DEFAULT 'created',
        outcome text,
        raw_status text,
        answered_by text,
        duration_seconds int,
        error text,
        lead_final boolean,
        created_at timestamptz NOT NULL DEFAULT now(),
        dialed_at timestamptz,
        answered_at timestamptz,
        ended_at timestamptz,
        counted_at timestamptz,
        CONSTRAINT call_attempts_lead_attempt UNIQUE (lead_id, attempt_no)
      );
      CREATE INDEX call_attempts_campaign ON call_attempts (campaign_id, created_at);
      CREATE INDEX call_attempts_uncounted ON call_attempts (ended_at) WHERE ended_at IS NOT NULL AND counted_at IS NULL;
      CREATE INDEX call_attempts_live ON call_attempts (campaign_id, created_at) WHERE ended_at IS NULL;

      CREATE TABLE webhook_events (
        id bigserial PRIMARY KEY,
        tenant_id uuid REFERENCES tenants(id) ON DELETE CASCADE,
        provider text NOT NULL,
        provider_connection_id uuid,
        event_key text NOT NULL,
        provider_call_id text,
        call_attempt_id uuid,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        applied_at timestamptz,
        apply_error text,
        CONSTRAINT webhook_events_key UNIQUE (provider, event_key)
      );
      CREATE INDEX webhook_events_unapplied ON webhook_events (received_at) WHERE applied_at IS NULL;

      CREATE TABLE dnc_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        campaign_id uuid REFERENCES campaigns(id) ON DELETE CASCADE,
        phone_e164 text NOT NULL,
        reason text,
        source text NOT NULL DEFAULT 'api',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX dnc_entries_unique ON dnc_entries (tenant_id, phone_e164, campaign_id) NULLS NOT DISTINCT;

      CREATE TABLE import_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','running','completed','failed','cancelled')),
        filename text,
        rows_read int NOT NULL DEFAULT 0,
        accepted int NOT NULL DEFAULT 0,
        rejected int NOT NULL DEFAULT 0,
        duplicates int NOT NULL DEFAULT 0,
        dnc_suppressed int NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]',
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
      CREATE INDEX import_jobs_campaign ON import_jobs (campaign_id, created_at DESC);

      CREATE TABLE campaign_stats (
        campaign_id uuid PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        total_leads bigint NOT NULL DEFAULT 0,
        leads_done bigint NOT NULL DEFAULT 0,
        dnc_suppressed bigint NOT NULL DEFAULT 0,
        attempts bigint NOT NULL DEFAULT 0,
        calls_ended bigint NOT NULL DEFAULT 0,
        connected bigint NOT NULL DEFAULT 0,
        voicemail bigint NOT NULL DEFAULT 0,
        busy bigint NOT NULL DEFAULT 0,
        no_answer bigint NOT NULL DEFAULT 0,
        failed bigint NOT NULL DEFAULT 0,
        canceled bigint NOT NULL DEFAULT 0,
        talk_seconds bigint NOT NULL DEFAULT 0,
        dispositions jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        api_key_id uuid,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text,
        before jsonb,
        after jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_log_tenant ON audit_log (tenant_id, created_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS audit_log, campaign_stats, import_jobs, dnc_entries, webhook_events,
        call_attempts, leads, campaigns, provider_connections, api_keys, tenants;
    `);
  }
}
