import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, nested concurrency budgets: a tenant's limit on live calls across its campaigns and its
 * weight when tenants share a provider account; a provider connection's account concurrency, the
 * slots it keeps free for calls not placed by campaigns, and the account it shares with other
 * connections; a campaign's weight within its tenant.
 */
export class ConcurrencyBudgets1763900000000 implements MigrationInterface {
  name = 'ConcurrencyBudgets1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenants
        ADD COLUMN max_concurrent_calls int CHECK (max_concurrent_calls BETWEEN 1 AND 100000),
        ADD COLUMN weight int NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000);
      ALTER TABLE provider_connections
        ADD COLUMN max_concurrent_calls int CHECK (max_concurrent_calls BETWEEN 1 AND 100000),
        ADD COLUMN reserved_calls int NOT NULL DEFAULT 0 CHECK (reserved_calls >= 0),
        ADD COLUMN account_key text CHECK (char_length(account_key) BETWEEN 1 AND 200),
        ADD CONSTRAINT provider_connections_reserved_below_limit
          CHECK (max_concurrent_calls IS NULL OR reserved_calls < max_concurrent_calls);
      ALTER TABLE campaigns
        ADD COLUMN weight int NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns DROP COLUMN weight;
      ALTER TABLE provider_connections
        DROP CONSTRAINT provider_connections_reserved_below_limit,
        DROP COLUMN max_concurrent_calls, DROP COLUMN reserved_calls, DROP COLUMN account_key;
      ALTER TABLE tenants DROP COLUMN max_concurrent_calls, DROP COLUMN weight;
    `);
  }
}
