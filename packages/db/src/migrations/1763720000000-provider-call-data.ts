import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What providers tell about a call beyond its status: the post-call analysis (Vapi summary,
 * structuredData, successEvaluation), the recording and the transcript; and a manual disposition
 * a person gives a call afterwards (with the lead's qualified flag, already on leads). The
 * connection's calls-per-second limit is now enforced by the dialer, so its default becomes 10
 * (a limit of 1 would pace a whole campaign to one call a second unless set).
 */
export class ProviderCallData1763720000000 implements MigrationInterface {
  name = 'ProviderCallData1763720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE call_attempts
        ADD COLUMN analysis jsonb,
        ADD COLUMN recording_url text,
        ADD COLUMN transcript text,
        ADD COLUMN manual_disposition text,
        ADD COLUMN manual_note text,
        ADD COLUMN disposed_at timestamptz;
      ALTER TABLE provider_connections ALTER COLUMN calls_per_second SET DEFAULT 10;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE call_attempts
        DROP COLUMN IF EXISTS analysis, DROP COLUMN IF EXISTS recording_url, DROP COLUMN IF EXISTS transcript,
        DROP COLUMN IF EXISTS manual_disposition, DROP COLUMN IF EXISTS manual_note, DROP COLUMN IF EXISTS disposed_at;
      ALTER TABLE provider_connections ALTER COLUMN calls_per_second SET DEFAULT 1;
    `);
  }
}
