import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16, small gaps: a campaign's description (copied from the dashboard's `settings.description`),
 * its own agent or flow and caller id in place of its provider connection's, and its ring timeout
 * (30 s, as every call rang before).
 */
export class CampaignFields1763850000000 implements MigrationInterface {
  name = 'CampaignFields1763850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns
        ADD COLUMN description text CHECK (char_length(description) <= 2000),
        ADD COLUMN agent_override text CHECK (char_length(agent_override) <= 500),
        ADD COLUMN caller_id_override text CHECK (char_length(caller_id_override) <= 20),
        ADD COLUMN ring_timeout_seconds int NOT NULL DEFAULT 30 CHECK (ring_timeout_seconds BETWEEN 5 AND 120);
      -- The dashboard kept a description in settings until now: it is copied to its own field (settings,
      -- the API caller's free-form object, stays as it was).
      UPDATE campaigns SET description = NULLIF(btrim(left(settings ->> 'description', 2000)), '')
       WHERE settings ? 'description' AND jsonb_typeof(settings -> 'description') = 'string';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns
        DROP COLUMN description, DROP COLUMN agent_override, DROP COLUMN caller_id_override, DROP COLUMN ring_timeout_seconds;
    `);
  }
}
