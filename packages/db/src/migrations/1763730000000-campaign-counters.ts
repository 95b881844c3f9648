import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The grouping of a set of lead rows (a transition table) into counter keys, with a sign:
 * `status:<status>` for every lead, `disposition:<disposition>` for every done lead, `qualified` for
 * every qualified lead. Grouped first on the few columns that matter, so a million-row insert costs
 * one hash aggregate, then expanded into keys.
 */
function groupedKeys(table: string, sign: '' | '-'): string {
  return `SELECT campaign_id, tenant_id, status, CASE WHEN status = 'done' THEN COALESCE(disposition, 'none') END AS disposition,
                 qualified IS TRUE AS qualified, ${sign}count(*) AS n
            FROM ${table} GROUP BY 1, 2, 3, 4, 5`;
}

function deltaInsert(source: string): string {
  return `INSERT INTO lead_count_deltas (campaign_id, tenant_id, key, n)
      SELECT g.campaign_id, g.tenant_id, k.key, sum(g.n)
        FROM (${source}) g
        CROSS JOIN LATERAL (VALUES ('status:' || g.status),
                                   ('disposition:' || g.disposition),
                                   (CASE WHEN g.qualified THEN 'qualified' END)) AS k(key)
       WHERE k.key IS NOT NULL
       GROUP BY 1, 2, 3
      HAVING sum(g.n) <> 0;`;
}

/**
 * Exact lead-state counters and time buckets.
 *
 * - `campaign_lead_counts` (campaign, key) → n, plus the append-only `lead_count_deltas`: STATEMENT
 *   triggers on `leads` with transition tables add one delta row per (campaign, key) changed by a
 *   statement, in the transaction that changes the leads (every path is counted: imports, feeder,
 *   worker, webhooks, stop). Appending takes no lock on a shared row, so concurrent transitions never
 *   wait on each other or deadlock; metrics-aggregator folds the deltas into the counts every few
 *   hundred ms, and a read sums both (exact at any moment).
 * - `campaign_stat_buckets`: per campaign, per minute and per hour, calls folded by foldCallAttempt.
 */
export class CampaignCounters1763730000000 implements MigrationInterface {
  name = 'CampaignCounters1763730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaign_lead_counts (
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        key text NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (campaign_id, key)
      );

      -- No foreign keys: a campaign's cascaded delete adds deltas after the campaign row is gone
      -- (the fold drops deltas of campaigns that no longer exist).
      CREATE TABLE lead_count_deltas (
        id bigserial PRIMARY KEY,
        campaign_id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        key text NOT NULL,
        n bigint NOT NULL
      );
      CREATE INDEX lead_count_deltas_campaign ON lead_count_deltas (campaign_id);

      CREATE FUNCTION lead_counts_track() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${deltaInsert(groupedKeys('new_leads', ''))}
        ELSIF TG_OP = 'UPDATE' THEN
          ${deltaInsert(`${groupedKeys('new_leads', '')} UNION ALL ${groupedKeys('old_leads', '-')}`)}
        ELSE
          ${deltaInsert(groupedKeys('old_leads', '-'))}
        END IF;
        RETURN NULL;
      END
      $fn$;

      CREATE TRIGGER leads_count_insert AFTER INSERT ON leads
        REFERENCING NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION lead_counts_track();
      CREATE TRIGGER leads_count_update AFTER UPDATE ON leads
        REFERENCING OLD TABLE AS old_leads NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION lead_counts_track();
      CREATE TRIGGER leads_count_delete AFTER DELETE ON leads
        REFERENCING OLD TABLE AS old_leads FOR EACH STATEMENT EXECUTE FUNCTION lead_counts_track();

      -- Leads that exist already are counted once, here.
      INSERT INTO campaign_lead_counts (campaign_id, tenant_id, key, n)
      SELECT g.campaign_id, g.tenant_id, k.key, sum(g.n)
        FROM (${groupedKeys('leads', '')}) g
        CROSS JOIN LATERAL (VALUES ('status:' || g.status), ('disposition:' || g.disposition),
                                   (CASE WHEN g.qualified THEN 'qualified' END)) AS k(key)
       WHERE k.key IS NOT NULL
       GROUP BY 1, 2, 3;

      CREATE TABLE campaign_stat_buckets (
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        granularity text NOT NULL CHECK (granularity IN ('minute', 'hour')),
        bucket_start timestamptz NOT NULL,
        dials bigint NOT NULL DEFAULT 0,
        calls_ended bigint NOT NULL DEFAULT 0,
        connected bigint NOT NULL DEFAULT 0,
        voicemail bigint NOT NULL DEFAULT 0,
        busy bigint NOT NULL DEFAULT 0,
        no_answer bigint NOT NULL DEFAULT 0,
        failed bigint NOT NULL DEFAULT 0,
        canceled bigint NOT NULL DEFAULT 0,
        talk_seconds bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (campaign_id, granularity, bucket_start)
      );
      CREATE INDEX campaign_stat_buckets_tenant ON campaign_stat_buckets (tenant_id, granularity, bucket_start);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER IF EXISTS leads_count_insert ON leads;
      DROP TRIGGER IF EXISTS leads_count_update ON leads;
      DROP TRIGGER IF EXISTS leads_count_delete ON leads;
      DROP FUNCTION IF EXISTS lead_counts_track();
      DROP TABLE IF EXISTS campaign_stat_buckets, lead_count_deltas, campaign_lead_counts;
    `);
  }
}
