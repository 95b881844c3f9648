import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, caller-ID pools with local presence: a provider connection or a campaign (which
 * overrides it) holds a pool of caller ids; each number can be paused, capped per UTC day and given a
 * cool-down between uses. The caller id a call went out from is kept on its attempt (stats by caller
 * id, and the rebuild of today's counts after Redis lost them).
 */
export class CallerIdPools1763910000000 implements MigrationInterface {
  name = 'CallerIdPools1763910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE caller_id_pools (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        provider_connection_id uuid REFERENCES provider_connections(id) ON DELETE CASCADE,
        campaign_id uuid REFERENCES campaigns(id) ON DELETE CASCADE,
        pool_only boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT caller_id_pools_one_owner CHECK ((provider_connection_id IS NULL) <> (campaign_id IS NULL))
      );
      CREATE UNIQUE INDEX caller_id_pools_connection ON caller_id_pools (tenant_id, provider_connection_id) WHERE provider_connection_id IS NOT NULL;
      CREATE UNIQUE INDEX caller_id_pools_campaign ON caller_id_pools (tenant_id, campaign_id) WHERE campaign_id IS NOT NULL;

      CREATE TABLE caller_ids (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        pool_id uuid NOT NULL REFERENCES caller_id_pools(id) ON DELETE CASCADE,
        number text NOT NULL CHECK (number ~ '^\\+[1-9][0-9]{6,14}$'),
        provider_number_id text CHECK (char_length(provider_number_id) BETWEEN 1 AND 200),
        is_default boolean NOT NULL DEFAULT false,
        paused boolean NOT NULL DEFAULT false,
        daily_cap int CHECK (daily_cap > 0),
        cooldown_seconds int NOT NULL DEFAULT 0 CHECK (cooldown_seconds BETWEEN 0 AND 86400),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT caller_ids_pool_number UNIQUE (pool_id, number)
      );
      CREATE INDEX caller_ids_tenant_pool ON caller_ids (tenant_id, pool_id);

      ALTER TABLE call_attempts ADD COLUMN caller_id text CHECK (char_length(caller_id) <= 20);
      CREATE INDEX call_attempts_caller_id ON call_attempts (tenant_id, caller_id, created_at DESC) WHERE caller_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX call_attempts_caller_id;
      ALTER TABLE call_attempts DROP COLUMN caller_id;
      DROP TABLE caller_ids;
      DROP TABLE caller_id_pools;
    `);
  }
}
