import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * No silent country (issue 13):
 * - tenants.default_country: the country assumed for numbers written without a country code, chosen
 *   at tenant creation (US unless told) and inherited by campaigns that do not set their own.
 * - import_jobs.countries: accepted-looking rows per detected number country ({"IN": 120, "US": 3}),
 *   so an import shows which countries its numbers were read as.
 */
export class TenantCountry1763800000000 implements MigrationInterface {
  name = 'TenantCountry1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenants ADD COLUMN default_country text NOT NULL DEFAULT 'US' CHECK (default_country ~ '^[A-Z]{2}$');
      ALTER TABLE import_jobs ADD COLUMN countries jsonb NOT NULL DEFAULT '{}'::jsonb;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE import_jobs DROP COLUMN IF EXISTS countries;
      ALTER TABLE tenants DROP COLUMN IF EXISTS default_country;
    `);
  }
}
