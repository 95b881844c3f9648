import type { MigrationInterface, QueryRunner } from 'typeorm';

/** As in 1763730000000, plus the sum of `leads.attempts` (signed) for the `attempts` key. */
function groupedKeys(table: string, sign: '' | '-'): string {
  return `SELECT campaign_id, tenant_id, status, CASE WHEN status = 'done' THEN COALESCE(disposition, 'none') END AS disposition,
                 qualified IS TRUE AS qualified, ${sign}count(*) AS n, ${sign}sum(attempts) AS a
            FROM ${table} GROUP BY 1, 2, 3, 4, 5`;
}

function keyed(source: string): string {
  return `SELECT g.campaign_id, g.tenant_id, k.key, sum(k.n) AS n
        FROM (${source}) g
        CROSS JOIN LATERAL (VALUES ('status:' || g.status, g.n),
                                   ('disposition:' || g.disposition, g.n),
                                   (CASE WHEN g.qualified THEN 'qualified' END, g.n),
                                   ('attempts', g.a)) AS k(key, n)
       WHERE k.key IS NOT NULL
       GROUP BY 1, 2, 3`;
}

/**
 * The campaign's attempts counter moves with the lead-state counters instead of a hot row.
 *
 * Every attempt sets its lead's `attempts` to its attempt number in the transaction that writes the
 * attempt row (and an undone attempt sets it back), so the sum of `leads.attempts` over a campaign is
 * its number of call attempts. The statement triggers already append per-statement deltas; they now
 * append that sum's delta as the `attempts` key too. The dialer no longer updates campaign_stats on
 * every dial: that single row was the lock every concurrent dial of a campaign queued on.
 */
export class AttemptsCounter1763770000000 implements MigrationInterface {
  name = 'AttemptsCounter1763770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION lead_counts_track() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO lead_count_deltas (campaign_id, tenant_id, key, n)
          SELECT * FROM (${keyed(groupedKeys('new_leads', ''))}) d WHERE d.n <> 0;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO lead_count_deltas (campaign_id, tenant_id, key, n)
          SELECT * FROM (${keyed(`${groupedKeys('new_leads', '')} UNION ALL ${groupedKeys('old_leads', '-')}`)}) d WHERE d.n <> 0;
        ELSE
          INSERT INTO lead_count_deltas (campaign_id, tenant_id, key, n)
          SELECT * FROM (${keyed(groupedKeys('old_leads', '-'))}) d WHERE d.n <> 0;
        END IF;
        RETURN NULL;
      END
      $fn$;

      INSERT INTO campaign_lead_counts (campaign_id, tenant_id, key, n)
      SELECT campaign_id, tenant_id, 'attempts', sum(attempts) FROM leads GROUP BY 1, 2
      ON CONFLICT (campaign_id, key) DO UPDATE SET n = campaign_lead_counts.n + EXCLUDED.n;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM campaign_lead_counts WHERE key = 'attempts'; DELETE FROM lead_count_deltas WHERE key = 'attempts';`);
  }
}
