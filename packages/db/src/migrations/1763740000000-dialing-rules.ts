import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dialing rules: a campaign's cap on calls to one phone number per rolling 24 hours (null: off; a
 * rule pack may impose one anyway), and an index for counting a number's recent calls across the
 * tenant's campaigns at dial time.
 */
export class DialingRules1763740000000 implements MigrationInterface {
  name = 'DialingRules1763740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns ADD COLUMN max_calls_per_number_24h int
        CHECK (max_calls_per_number_24h IS NULL OR max_calls_per_number_24h > 0);
      CREATE INDEX call_attempts_lead_created ON call_attempts (lead_id, created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS call_attempts_lead_created;
      ALTER TABLE campaigns DROP COLUMN IF EXISTS max_calls_per_number_24h;
    `);
  }
}
