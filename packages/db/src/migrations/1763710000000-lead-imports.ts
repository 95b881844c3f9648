import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lead import at scale (issue 3): the import job keeps what a resumed run needs (the stored file, the
 * resolved mapping and options, the last committed row, a heartbeat), and every row that did not
 * become a lead is kept in import_errors, written in the same transaction as its batch.
 */
export class LeadImports1763710000000 implements MigrationInterface {
  name = 'LeadImports1763710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE import_jobs
        ADD COLUMN file_path text,
        ADD COLUMN file_bytes bigint,
        ADD COLUMN options jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN last_row int NOT NULL DEFAULT 0,
        ADD COLUMN claims int NOT NULL DEFAULT 0,
        ADD COLUMN heartbeat_at timestamptz,
        ADD COLUMN started_at timestamptz;
      CREATE INDEX import_jobs_unfinished ON import_jobs (heartbeat_at) WHERE status IN ('pending','running');

      CREATE TABLE import_errors (
        import_id uuid NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        row_no int NOT NULL,
        kind text NOT NULL CHECK (kind IN ('invalid','duplicate','dnc')),
        column_name text NOT NULL DEFAULT '',
        value text,
        reason text NOT NULL,
        PRIMARY KEY (import_id, row_no)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS import_errors;
      DROP INDEX IF EXISTS import_jobs_unfinished;
      ALTER TABLE import_jobs DROP COLUMN IF EXISTS file_path, DROP COLUMN IF EXISTS file_bytes, DROP COLUMN IF EXISTS options,
        DROP COLUMN IF EXISTS last_row, DROP COLUMN IF EXISTS claims, DROP COLUMN IF EXISTS heartbeat_at, DROP COLUMN IF EXISTS started_at;
    `);
  }
}
