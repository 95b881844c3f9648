import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * As in 1763770000000, plus the pending leads' `next_attempt_at` minute: every pending lead also
 * counts under `due:<YYYYMMDDHH24MI UTC>`, the minute its next attempt falls in.
 */
function groupedKeys(table: string, sign: '' | '-', due: boolean): string {
  return `SELECT campaign_id, tenant_id, status, CASE WHEN status = 'done' THEN COALESCE(disposition, 'none') END AS disposition,
                 qualified IS TRUE AS qualified,
                 ${due ? `CASE WHEN status = 'pending' THEN date_trunc('minute', next_attempt_at AT TIME ZONE 'UTC') END` : 'NULL::timestamp'} AS due_minute,
                 ${sign}count(*) AS n, ${sign}sum(attempts) AS a
            FROM ${table} GROUP BY 1, 2, 3, 4, 5, 6`;
}

function keyed(source: string): string {
  return `SELECT g.campaign_id, g.tenant_id, k.key, sum(k.n) AS n
        FROM (${source}) g
        CROSS JOIN LATERAL (VALUES ('status:' || g.status, g.n),
                                   ('disposition:' || g.disposition, g.n),
                                   (CASE WHEN g.qualified THEN 'qualified' END, g.n),
                                   ('due:' || to_char(g.due_minute, 'YYYYMMDDHH24MI'), g.n),
                                   ('attempts', g.a)) AS k(key, n)
       WHERE k.key IS NOT NULL
       GROUP BY 1, 2, 3`;
}

/** The statement trigger's function; without `due`, as 1763770000000 left it. */
function trackFunction(due: boolean): string {
  return `
      CREATE OR REPLACE FUNCTION lead_counts_track() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO lead_count_deltas (campaign_id, tenant_id, key, n)
          SELECT * FROM (${keyed(groupedKeys('new_leads', '', due))}) d WHERE d.n <> 0;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO lead_count_deltas (campaign_id, tenant_id, key, n)
          SELECT * FROM (${keyed(`${groupedKeys('new_leads', '', due)} UNION ALL ${groupedKeys('old_leads', '-', due)}`)}) d WHERE d.n <> 0;
        ELSE
          INSERT INTO lead_count_deltas (campaign_id, tenant_id, key, n)
          SELECT * FROM (${keyed(groupedKeys('old_leads', '-', due))}) d WHERE d.n <> 0;
        END IF;
        RETURN NULL;
      END
      $fn$;`;
}

/**
 * Issue 18, the stats read at 1M leads: "leads due now" (pending, next attempt reached) from counters.
 *
 * The dialing state counted the due leads on every stats read (up to 100,000 rows of the leads_due
 * index or a seq scan). The lead-count triggers now also keep, per campaign, the pending leads by the
 * UTC minute of their next attempt (`due:202612072037`): appended to lead_count_deltas like every
 * other key, folded into their own table, campaign_due_counts. Leads due now are then the counters of
 * the minutes up to the current one less the current minute's leads after now (read from leads_due),
 * in one statement: exact, as before.
 */
export class DueLeadCounters1763940000000 implements MigrationInterface {
  name = 'DueLeadCounters1763940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ${trackFunction(true)}

      -- The folded due minutes, apart from the lead counts: a read of a campaign's counts (its stats,
      -- a page of the campaign list) never walks its minutes, and the due-now read walks only these.
      CREATE TABLE campaign_due_counts (
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        key text NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (campaign_id, key)
      );

      -- Pending leads that exist already are counted once, here.
      INSERT INTO campaign_due_counts (campaign_id, tenant_id, key, n)
      SELECT campaign_id, tenant_id, 'due:' || to_char(date_trunc('minute', next_attempt_at AT TIME ZONE 'UTC'), 'YYYYMMDDHH24MI'), count(*)
        FROM leads WHERE status = 'pending' GROUP BY 1, 2, 3;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(trackFunction(false));
    await q.query(`DROP TABLE IF EXISTS campaign_due_counts; DELETE FROM lead_count_deltas WHERE key LIKE 'due:%';`);
  }
}
