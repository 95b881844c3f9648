import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rows keep what is usable (issue 13): a lead kept without an invalid optional value (an email) has
 * a report line of kind 'warning'.
 */
export class ImportWarnings1763810000000 implements MigrationInterface {
  name = 'ImportWarnings1763810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE import_errors DROP CONSTRAINT import_errors_kind_check;
      ALTER TABLE import_errors ADD CONSTRAINT import_errors_kind_check CHECK (kind IN ('invalid','duplicate','dnc','warning'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM import_errors WHERE kind = 'warning';
      ALTER TABLE import_errors DROP CONSTRAINT import_errors_kind_check;
      ALTER TABLE import_errors ADD CONSTRAINT import_errors_kind_check CHECK (kind IN ('invalid','duplicate','dnc'));
    `);
  }
}
