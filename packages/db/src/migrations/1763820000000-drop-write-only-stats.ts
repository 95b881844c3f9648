import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * campaign_stats loses the counters nothing read (issue 15, item 8): total_leads, leads_done and
 * dispositions were bumped by every import, lead batch, feeder pass, stop and fold, and read only
 * by the recount, while the stats API takes the same figures from the trigger-kept lead counts
 * (campaign_lead_counts + lead_count_deltas); attempts was no longer written at all since
 * 1763770000000. The hot counters that are read (calls, outcomes, talk time, DNC suppressions) stay.
 */
export class DropWriteOnlyStats1763820000000 implements MigrationInterface {
  name = 'DropWriteOnlyStats1763820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaign_stats
        DROP COLUMN total_leads,
        DROP COLUMN leads_done,
        DROP COLUMN attempts,
        DROP COLUMN dispositions;
    `);
  }

  /** Brings the columns back, filled from the lead counts (attempts from their `attempts` key). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaign_stats
        ADD COLUMN total_leads bigint NOT NULL DEFAULT 0,
        ADD COLUMN leads_done bigint NOT NULL DEFAULT 0,
        ADD COLUMN attempts bigint NOT NULL DEFAULT 0,
        ADD COLUMN dispositions jsonb NOT NULL DEFAULT '{}';
      WITH counts AS (
        SELECT campaign_id, key, sum(n) AS n FROM (
          SELECT campaign_id, key, n FROM campaign_lead_counts
          UNION ALL
          SELECT campaign_id, key, n FROM lead_count_deltas
        ) x GROUP BY 1, 2
      ), per_campaign AS (
        SELECT campaign_id,
               coalesce(sum(n) FILTER (WHERE key LIKE 'status:%'), 0) AS total,
               coalesce(sum(n) FILTER (WHERE key = 'status:done'), 0) AS done,
               coalesce(sum(n) FILTER (WHERE key = 'attempts'), 0) AS attempts,
               coalesce(jsonb_object_agg(substr(key, length('disposition:') + 1), n)
                          FILTER (WHERE key LIKE 'disposition:%' AND n <> 0), '{}') AS dispositions
          FROM counts GROUP BY campaign_id
      )
      UPDATE campaign_stats s
         SET total_leads = p.total, leads_done = p.done, attempts = p.attempts, dispositions = p.dispositions
        FROM per_campaign p WHERE p.campaign_id = s.campaign_id;
    `);
  }
}
