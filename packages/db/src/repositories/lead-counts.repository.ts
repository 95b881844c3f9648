import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../sql';

/**
 * A campaign's leads by state, from the trigger-maintained counters (never a COUNT over leads).
 * `dispositions` counts done leads by final disposition.
 */
export interface LeadCounts {
  total: number;
  pending: number;
  queued: number;
  dialing: number;
  done: number;
  qualified: number;
  /** Call attempts made (the sum of the leads' attempt numbers). */
  attempts: number;
  dispositions: Record<string, number>;
}

export interface CounterRow {
  key: string;
  n: string | number;
}

/** Turns counter rows (`status:<s>`, `disposition:<d>`, `qualified`) into LeadCounts. */
export function leadCountsFromRows(rows: readonly CounterRow[]): LeadCounts {
  const c: LeadCounts = { total: 0, pending: 0, queued: 0, dialing: 0, done: 0, qualified: 0, attempts: 0, dispositions: {} };
  for (const r of rows) {
    const n = Number(r.n);
    if (n === 0) continue;
    if (r.key === 'qualified') c.qualified = n;
    else if (r.key === 'attempts') c.attempts = n;
    else if (r.key.startsWith('disposition:')) c.dispositions[r.key.slice('disposition:'.length)] = n;
    else if (r.key.startsWith('status:')) {
      const s = r.key.slice('status:'.length);
      if (s === 'pending' || s === 'queued' || s === 'dialing' || s === 'done') c[s] = n;
      c.total += n;
    }
  }
  return c;
}

/** The counters of one campaign: folded counts plus the deltas not folded yet, in one snapshot. */
export async function readLeadCounts(m: DataSource | EntityManager, tenantId: string, campaignId: string): Promise<LeadCounts> {
  const rows: CounterRow[] = await m.query(
    `SELECT key, sum(n) AS n FROM (
        SELECT key, n FROM campaign_lead_counts WHERE campaign_id = $1 AND tenant_id = $2
        UNION ALL
        SELECT key, n FROM lead_count_deltas WHERE campaign_id = $1 AND tenant_id = $2
     ) x GROUP BY key`, [campaignId, tenantId]);
  return leadCountsFromRows(rows);
}

/** A due counter's key: `due:` and the UTC minute (YYYYMMDDHHMI) a pending lead's next attempt falls in. */
export function dueMinuteKey(at: Date): string {
  return `due:${at.toISOString().slice(0, 16).replace(/[-T:]/g, '')}`;
}

const MINUTE_MS = 60_000;

function minuteStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** The campaign's due-minute counters in a range of keys, folded plus unfolded. */
const DUE_COUNTERS = (campaign: string, range: string) => `(SELECT sum(n) FROM (
        SELECT n FROM campaign_due_counts WHERE campaign_id = ${campaign} AND key >= 'due:0' AND ${range}
        UNION ALL
        SELECT n FROM lead_count_deltas WHERE campaign_id = ${campaign} AND key >= 'due:0' AND ${range}) x)`;

/**
 * The campaign's pending leads whose next attempt is at or before `now` (capped at `cap`), exact:
 * the trigger-kept `due:<minute>` counters up to now's minute, less the pending leads of now's
 * minute that fall after now (read from leads_due), in one statement (one snapshot). The cost
 * follows the due minutes that still hold pending leads and the leads set for the rest of this
 * minute, never the campaign's size (leads added just now are due now, so they are not read).
 */
export async function countDueLeads(m: DataSource | EntityManager, campaignId: string, now: Date, cap: number): Promise<number> {
  const [r] = await queryRows<{ counted: string | null; later: number }>(m,
    `SELECT ${DUE_COUNTERS('$1', 'key <= $2')} AS counted,
            (SELECT count(*)::int FROM leads WHERE campaign_id = $1 AND status = 'pending'
                AND next_attempt_at > $3 AND next_attempt_at < $4) AS later`,
    [campaignId, dueMinuteKey(now), now, new Date(minuteStart(now).getTime() + MINUTE_MS)]);
  return Math.min(cap, Number(r?.counted ?? 0) - (r?.later ?? 0));
}

/**
 * The campaign's pending leads whose next attempt is before `before` (capped at `cap`), exact: the
 * counters of the minutes before `before`'s, plus the pending leads of its minute up to it (read from
 * leads_due; none when `before` is on a minute, as calling windows open). One statement.
 */
export async function countLeadsDueBefore(m: DataSource | EntityManager, campaignId: string, before: Date, cap: number): Promise<number> {
  const [r] = await queryRows<{ counted: string | null; this_minute: number }>(m,
    `SELECT ${DUE_COUNTERS('$1', 'key < $2')} AS counted,
            (SELECT count(*)::int FROM (SELECT 1 FROM leads WHERE campaign_id = $1 AND status = 'pending'
                AND next_attempt_at >= $3 AND next_attempt_at < $4 LIMIT $5) d) AS this_minute`,
    [campaignId, dueMinuteKey(before), minuteStart(before), before, cap]);
  return Math.min(cap, Number(r?.counted ?? 0) + (r?.this_minute ?? 0));
}

/** Progress of several campaigns at once (a page of the campaign list), from the same counters. */
export interface CampaignProgressRow {
  campaign_id: string;
  total: number;
  done: number;
  dialing: number;
  calls_ended: number;
  connected: number;
}

export async function readCampaignProgress(m: DataSource | EntityManager, tenantId: string, campaignIds: string[]): Promise<CampaignProgressRow[]> {
  if (campaignIds.length === 0) return [];
  return queryRows<CampaignProgressRow>(m,
    `WITH counts AS (
        SELECT campaign_id, key, n FROM campaign_lead_counts WHERE tenant_id = $1 AND campaign_id = ANY($2::uuid[])
        UNION ALL
        SELECT campaign_id, key, n FROM lead_count_deltas WHERE tenant_id = $1 AND campaign_id = ANY($2::uuid[])
     ), leads AS (
        SELECT campaign_id,
               coalesce(sum(n) FILTER (WHERE key LIKE 'status:%'), 0)::int AS total,
               coalesce(sum(n) FILTER (WHERE key = 'status:done'), 0)::int AS done,
               coalesce(sum(n) FILTER (WHERE key = 'status:dialing'), 0)::int AS dialing
          FROM counts GROUP BY campaign_id
     )
     SELECT c.id AS campaign_id, coalesce(l.total, 0) AS total, coalesce(l.done, 0) AS done, coalesce(l.dialing, 0) AS dialing,
            coalesce(s.calls_ended, 0)::int AS calls_ended, coalesce(s.connected, 0)::int AS connected
       FROM unnest($2::uuid[]) AS c(id)
       LEFT JOIN leads l ON l.campaign_id = c.id
       LEFT JOIN campaign_stats s ON s.campaign_id = c.id AND s.tenant_id = $1`,
    [tenantId, campaignIds]);
}

export interface TouchedCampaign {
  campaignId: string;
  tenantId: string;
}

/** Advisory lock key: one fold of the deltas at a time across aggregator replicas. */
const FOLD_LOCK = 7_630_001;

/**
 * Folds up to `limit` pending deltas into campaign_lead_counts (due minutes into
 * campaign_due_counts), in one statement (a reader sees the deltas either before or after, never
 * both or neither). Returns the campaigns whose counters moved; empty when another replica is
 * folding right now.
 */
export async function foldLeadCountDeltas(ds: DataSource, limit = 50_000): Promise<TouchedCampaign[]> {
  return ds.transaction(async (m) => {
    const [lock] = await queryRows<{ ok: boolean }>(m, `SELECT pg_try_advisory_xact_lock($1) AS ok`, [FOLD_LOCK]);
    if (!lock?.ok) return [];
    const rows = await queryRows<{ campaign_id: string; tenant_id: string }>(m,
      `WITH moved AS (
          DELETE FROM lead_count_deltas WHERE id IN (SELECT id FROM lead_count_deltas ORDER BY id LIMIT $1)
          RETURNING campaign_id, tenant_id, key, n
       ), summed AS (
          SELECT s.campaign_id, s.tenant_id, s.key, sum(s.n) AS n FROM moved s
            JOIN campaigns c ON c.id = s.campaign_id
           GROUP BY 1, 2, 3 HAVING sum(s.n) <> 0
       ), folded AS (
          INSERT INTO campaign_lead_counts (campaign_id, tenant_id, key, n)
          SELECT campaign_id, tenant_id, key, n FROM summed WHERE key NOT LIKE 'due:%'
           ORDER BY campaign_id, key
          ON CONFLICT (campaign_id, key) DO UPDATE SET n = campaign_lead_counts.n + EXCLUDED.n
          RETURNING campaign_id
       ), folded_due AS (
          INSERT INTO campaign_due_counts (campaign_id, tenant_id, key, n)
          SELECT campaign_id, tenant_id, key, n FROM summed WHERE key LIKE 'due:%'
           ORDER BY campaign_id, key
          ON CONFLICT (campaign_id, key) DO UPDATE SET n = campaign_due_counts.n + EXCLUDED.n
          RETURNING campaign_id
       )
       SELECT DISTINCT s.campaign_id, s.tenant_id FROM summed s
        WHERE EXISTS (SELECT 1 FROM folded f WHERE f.campaign_id = s.campaign_id)
           OR EXISTS (SELECT 1 FROM folded_due f WHERE f.campaign_id = s.campaign_id)`, [limit]);
    // A minute whose pending leads have all moved on counts 0: drop it, so a campaign keeps only
    // the due minutes that still hold pending leads.
    if (rows.length > 0) {
      await m.query(`DELETE FROM campaign_due_counts WHERE campaign_id = ANY($1::uuid[]) AND n = 0`, [rows.map((r) => r.campaign_id)]);
    }
    return rows.map((r) => ({ campaignId: r.campaign_id, tenantId: r.tenant_id }));
  });
}
