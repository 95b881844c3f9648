import type { DataSource, EntityManager } from 'typeorm';
import { mutate, queryRows } from '../sql';

/**
 * The SQL of the retention purge (the scheduler's daily job) and of its record, purge_runs. Every
 * statement touches at most `batch` rows, picked by primary key through an index on age, in its
 * own short transaction: no statement holds locks on a live table for long, and a purge can stop
 * between batches. Nothing live is touched: call data and attempts only of calls that ended and
 * were folded into the stats (counted_at set), ended leads only when done and without such a
 * call. Stats are folded counters (campaign_stats, time buckets): deleting attempts leaves them as
 * they are; the lead counters (total, done, dispositions) follow deleted leads through their trigger.
 */

type Db = DataSource | EntityManager;

export interface RetentionTenant {
  id: string;
  retention_call_data_days: number | null;
  retention_attempts_days: number | null;
  retention_webhook_events_days: number | null;
  retention_ended_leads_days: number | null;
}

/** Tenants with at least one retention set. */
export async function tenantsWithRetention(db: Db): Promise<RetentionTenant[]> {
  return queryRows<RetentionTenant>(db,
    `SELECT id, retention_call_data_days, retention_attempts_days, retention_webhook_events_days, retention_ended_leads_days
       FROM tenants
      WHERE coalesce(retention_call_data_days, retention_attempts_days, retention_webhook_events_days, retention_ended_leads_days) IS NOT NULL
      ORDER BY id`);
}

/** The tenant's campaigns (deleted ones too): the purge walks each through its per-campaign indexes. */
export async function tenantCampaignIds(db: Db, tenantId: string): Promise<string[]> {
  return (await queryRows<{ id: string }>(db, `SELECT id FROM campaigns WHERE tenant_id = $1 ORDER BY id`, [tenantId])).map((r) => r.id);
}

/** Clears recordings, transcripts and analysis of up to `batch` settled attempts of a campaign created before `cutoff`. */
export async function scrubCallDataBatch(db: Db, tenantId: string, campaignId: string, cutoff: Date, batch: number): Promise<number> {
  return (await mutate(db,
    `UPDATE call_attempts SET analysis = NULL, recording_url = NULL, transcript = NULL
      WHERE id IN (SELECT id FROM call_attempts
                    WHERE campaign_id = $2 AND tenant_id = $1 AND created_at < $3 AND counted_at IS NOT NULL
                      AND (analysis IS NOT NULL OR recording_url IS NOT NULL OR transcript IS NOT NULL)
                    LIMIT $4)`, [tenantId, campaignId, cutoff, batch])).count;
}

/** Deletes up to `batch` settled attempts of a campaign created before `cutoff`. */
export async function deleteAttemptsBatch(db: Db, tenantId: string, campaignId: string, cutoff: Date, batch: number): Promise<number> {
  return (await mutate(db,
    `DELETE FROM call_attempts
      WHERE id IN (SELECT id FROM call_attempts
                    WHERE campaign_id = $2 AND tenant_id = $1 AND created_at < $3 AND ended_at IS NOT NULL AND counted_at IS NOT NULL
                    LIMIT $4)`, [tenantId, campaignId, cutoff, batch])).count;
}

/** Deletes up to `batch` raw webhook events of the tenant received before `cutoff` and applied (or failed to apply). */
export async function deleteWebhookEventsBatch(db: Db, tenantId: string, cutoff: Date, batch: number): Promise<number> {
  return (await mutate(db,
    `DELETE FROM webhook_events
      WHERE id IN (SELECT id FROM webhook_events
                    WHERE tenant_id = $1 AND received_at < $2 AND (applied_at IS NOT NULL OR apply_error IS NOT NULL)
                    LIMIT $3)`, [tenantId, cutoff, batch])).count;
}

/**
 * Deletes up to `batch` outbound events of the tenant created before `cutoff` that are relayed and
 * whose deliveries are all finished (succeeded or failed for good), with their delivery log
 * (ON DELETE CASCADE). An event still being delivered waits.
 */
export async function deleteOutboundEventsBatch(db: Db, tenantId: string, cutoff: Date, batch: number): Promise<number> {
  return (await mutate(db,
    `DELETE FROM outbound_events
      WHERE id IN (SELECT e.id FROM outbound_events e
                    WHERE e.tenant_id = $1 AND e.created_at < $2 AND e.relayed_at IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
                    LIMIT $3)`, [tenantId, cutoff, batch])).count;
}

/**
 * Deletes up to `batch` ended leads of a campaign (done, last changed before `cutoff`) with their
 * attempts and callbacks (ON DELETE CASCADE); a lead with a call not yet folded into the stats waits.
 * How many leads and attempts went.
 */
export async function deleteEndedLeadsBatch(db: Db, tenantId: string, campaignId: string, cutoff: Date, batch: number): Promise<{ leads: number; attempts: number }> {
  const rows = await queryRows<{ leads: number; attempts: number }>(db,
    `WITH picked AS (
        SELECT l.id FROM leads l
         WHERE l.campaign_id = $2 AND l.tenant_id = $1 AND l.status = 'done' AND l.updated_at < $3
           AND NOT EXISTS (SELECT 1 FROM call_attempts a WHERE a.lead_id = l.id AND (a.ended_at IS NULL OR a.counted_at IS NULL))
         LIMIT $4
         FOR UPDATE OF l SKIP LOCKED
     ), attempts AS (
        SELECT count(*)::int AS n FROM call_attempts a WHERE a.lead_id IN (SELECT id FROM picked)
     ), gone AS (
        DELETE FROM leads WHERE id IN (SELECT id FROM picked) AND status = 'done' RETURNING id
     )
     SELECT (SELECT count(*)::int FROM gone) AS leads, (SELECT n FROM attempts) AS attempts`,
    [tenantId, campaignId, cutoff, batch]);
  return rows[0] ?? { leads: 0, attempts: 0 };
}

export interface PurgeRunRow {
  id: string;
  started_at: Date;
  finished_at: Date;
  cutoff_now: Date;
  removed: Record<string, number>;
}

/** Records one tenant's purge run. */
export async function insertPurgeRun(db: Db, r: { tenantId: string; startedAt: Date; now: Date; removed: Record<string, number> }): Promise<string> {
  const [row] = await queryRows<{ id: string }>(db,
    `INSERT INTO purge_runs (tenant_id, started_at, cutoff_now, removed) VALUES ($1, $2, $3, $4::jsonb) RETURNING id`,
    [r.tenantId, r.startedAt, r.now, JSON.stringify(r.removed)]);
  return row!.id;
}

/** The tenant's purge runs, newest first. */
export async function listPurgeRuns(db: Db, tenantId: string, limit: number): Promise<PurgeRunRow[]> {
  return queryRows<PurgeRunRow>(db,
    `SELECT id, started_at, finished_at, cutoff_now, removed FROM purge_runs WHERE tenant_id = $1
      ORDER BY started_at DESC, id DESC LIMIT $2`, [tenantId, limit]);
}
