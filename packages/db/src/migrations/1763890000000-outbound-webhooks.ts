import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound event webhooks (issue 17): a tenant's endpoints, the outbox of events written in the
 * transaction of the change that causes them, one delivery per event × endpoint, and the log of
 * every delivery attempt.
 *
 * - `webhook_endpoints`: the URL, the event types wanted, an optional campaign filter, and the
 *   signing secrets sealed like provider credentials (AES-GCM with SECRETS_KEY). `previous_secret_sealed`
 *   keeps signing until `previous_secret_expires_at` after a rotation. `failing_since` is set by the
 *   first failed attempt after a success and cleared by the next success; three days of it disable the
 *   endpoint with `disabled_reason`.
 * - `outbound_events`: the envelope as it is sent (`payload`); `relayed_at` is null until the relay
 *   has made its deliveries (partial index: the relay's scan reads only what is left to relay).
 * - `webhook_deliveries`: unique per (event, endpoint), so a relay that runs twice makes one.
 *   `enqueued` false asks the relay to add its job (manual redelivery, the test event).
 * - `webhook_delivery_attempts`: status code, latency and a capped excerpt of the answer.
 */
export class OutboundWebhooks1763890000000 implements MigrationInterface {
  name = 'OutboundWebhooks1763890000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        url text NOT NULL,
        description text NOT NULL DEFAULT '',
        event_types text[] NOT NULL,
        campaign_ids uuid[],
        enabled boolean NOT NULL DEFAULT true,
        secret_sealed text NOT NULL,
        previous_secret_sealed text,
        previous_secret_expires_at timestamptz,
        failing_since timestamptz,
        disabled_reason text,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      );
      CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id) WHERE deleted_at IS NULL;

      CREATE TABLE outbound_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        campaign_id uuid,
        type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        relayed_at timestamptz
      );
      CREATE INDEX outbound_events_unrelayed ON outbound_events (seq) WHERE relayed_at IS NULL;
      CREATE INDEX outbound_events_tenant_created ON outbound_events (tenant_id, created_at);

      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES outbound_events(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','succeeded','failed')),
        enqueued boolean NOT NULL DEFAULT false,
        redeliveries int NOT NULL DEFAULT 0,
        attempts int NOT NULL DEFAULT 0,
        last_status_code int,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        first_attempt_at timestamptz,
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        UNIQUE (event_id, endpoint_id)
      );
      CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);
      CREATE INDEX webhook_deliveries_to_enqueue ON webhook_deliveries (created_at) WHERE NOT enqueued;

      CREATE TABLE webhook_delivery_attempts (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        attempt_no int NOT NULL,
        status_code int,
        latency_ms int NOT NULL,
        response_excerpt text,
        error text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_delivery_attempts_delivery ON webhook_delivery_attempts (delivery_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS webhook_delivery_attempts;
      DROP TABLE IF EXISTS webhook_deliveries;
      DROP TABLE IF EXISTS outbound_events;
      DROP TABLE IF EXISTS webhook_endpoints;
    `);
  }
}
