import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16, typed lead fields: a campaign's lead schema (its declared fields, checked by the API;
 * null: no schema, every extra column stays free text as before).
 */
export class LeadSchema1763860000000 implements MigrationInterface {
  name = 'LeadSchema1763860000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns
        ADD COLUMN lead_schema jsonb CHECK (lead_schema IS NULL OR jsonb_typeof(lead_schema) = 'object');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns DROP COLUMN lead_schema`);
  }
}
