import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provider accounts shared across tenants, declared by the platform operator: the account's limit
 * (not any tenant's connection's) and the tenants allowed to join it. A connection joins one only
 * through a grant of its own tenant (the foreign key), and then has no budget of its own. A
 * connection's own `account_key` is scoped to its tenant from now on (in the lease group name).
 */
export class SharedProviderAccounts1763920000000 implements MigrationInterface {
  name = 'SharedProviderAccounts1763920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE shared_provider_accounts (
        key text PRIMARY KEY CHECK (char_length(key) BETWEEN 1 AND 200),
        type text NOT NULL CHECK (type IN ('twilio','vapi','exotel')),
        max_concurrent_calls int NOT NULL CHECK (max_concurrent_calls BETWEEN 1 AND 100000),
        reserved_calls int NOT NULL DEFAULT 0 CHECK (reserved_calls >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shared_provider_accounts_reserved_below_limit CHECK (reserved_calls < max_concurrent_calls)
      );
      CREATE TABLE shared_provider_account_tenants (
        account_key text NOT NULL REFERENCES shared_provider_accounts(key) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_key, tenant_id)
      );
      CREATE INDEX shared_provider_account_tenants_tenant ON shared_provider_account_tenants (tenant_id);
      ALTER TABLE provider_connections
        ADD COLUMN shared_account text,
        ADD CONSTRAINT provider_connections_shared_account_granted
          FOREIGN KEY (shared_account, tenant_id) REFERENCES shared_provider_account_tenants (account_key, tenant_id),
        ADD CONSTRAINT provider_connections_shared_account_alone
          CHECK (shared_account IS NULL OR (account_key IS NULL AND max_concurrent_calls IS NULL AND reserved_calls = 0));
      CREATE INDEX provider_connections_shared_account ON provider_connections (shared_account, tenant_id) WHERE shared_account IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE provider_connections
        DROP CONSTRAINT provider_connections_shared_account_alone,
        DROP CONSTRAINT provider_connections_shared_account_granted,
        DROP COLUMN shared_account;
      DROP TABLE shared_provider_account_tenants;
      DROP TABLE shared_provider_accounts;
    `);
  }
}
