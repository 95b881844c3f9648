import type { DataSource, EntityManager } from 'typeorm';
import { callTotalsSql } from './stat-buckets.repository';
import { leadCountsFromRows, readLeadCounts, type CounterRow, type LeadCounts } from './lead-counts.repository';

export interface CountDifference {
  /** e.g. `leads.pending`, `leads.dispositions.answered`, `stats.connected`, `buckets.minute.dials`. */
  field: string;
  /** What the maintained counter says. */
  counter: number;
  /** What a recount from leads and call attempts gives. */
  recount: number;
}

export interface RecountReport {
  campaignId: string;
  /** True when every maintained counter equals its recount. */
  consistent: boolean;
  differences: CountDifference[];
  /** Ended calls not folded yet (their job is on its way): the call counters do not include them yet. */
  unfoldedCalls: number;
  recountedAt: Date;
}

const CALL_FIELDS = ['calls_ended', 'connected', 'voicemail', 'busy', 'no_answer', 'failed', 'canceled', 'talk_seconds'] as const;
type CallField = (typeof CALL_FIELDS)[number];
type CallTotals = Record<CallField | 'dials', number>;

function compare(out: CountDifference[], field: string, counter: number, recount: number): void {
  if (counter !== recount) out.push({ field, counter, recount });
}

function compareLeadCounts(out: CountDifference[], counted: LeadCounts, actual: LeadCounts): void {
  for (const k of ['total', 'pending', 'queued', 'dialing', 'done', 'qualified'] as const) compare(out, `leads.${k}`, counted[k], actual[k]);
  const dispositions = new Set([...Object.keys(counted.dispositions), ...Object.keys(actual.dispositions)]);
  for (const d of [...dispositions].sort()) {
    compare(out, `leads.dispositions.${d}`, counted.dispositions[d] ?? 0, actual.dispositions[d] ?? 0);
  }
}

/** The pending leads by the minute of their next attempt (`due:<minute>` → `leads.due.<minute>`). */
function compareDueCounters(out: CountDifference[], counted: readonly CounterRow[], actual: readonly CounterRow[]): void {
  const c = new Map(counted.map((r) => [r.key, Number(r.n)]));
  const a = new Map(actual.map((r) => [r.key, Number(r.n)]));
  for (const key of [...new Set([...c.keys(), ...a.keys()])].sort()) {
    compare(out, `leads.due.${key.slice('due:'.length)}`, c.get(key) ?? 0, a.get(key) ?? 0);
  }
}

/**
 * Recomputes a campaign's stats from its leads and call attempts (COUNTs: an admin check, not a
 * read path) and compares them with every maintained counter: the trigger-kept lead counts (and the
 * pending leads by due minute), campaign_stats, and the sums of the minute and hour buckets. One REPEATABLE READ snapshot, so a
 * running campaign compares like with like. Call counters count folded calls; a call that ended and
 * is not folded yet is reported in `unfoldedCalls`.
 */
export async function recountCampaign(ds: DataSource, tenantId: string, campaignId: string): Promise<RecountReport> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.startTransaction('REPEATABLE READ');
    await qr.query('SET TRANSACTION READ ONLY');
    const report = await recountIn(qr.manager, tenantId, campaignId);
    await qr.commitTransaction();
    return report;
  } catch (err) {
    if (qr.isTransactionActive) await qr.rollbackTransaction();
    throw err;
  } finally {
    await qr.release();
  }
}

async function recountIn(m: EntityManager, tenantId: string, campaignId: string): Promise<RecountReport> {
  const params = [campaignId, tenantId];
  const counted = await readLeadCounts(m, tenantId, campaignId);
  const leadRows: CounterRow[] = await m.query(
    `SELECT k.key, sum(g.n) AS n
       FROM (SELECT status, CASE WHEN status = 'done' THEN COALESCE(disposition, 'none') END AS disposition,
                    qualified IS TRUE AS qualified, count(*) AS n
               FROM leads WHERE campaign_id = $1 AND tenant_id = $2 GROUP BY 1, 2, 3) g
       CROSS JOIN LATERAL (VALUES ('status:' || g.status), ('disposition:' || g.disposition),
                                  (CASE WHEN g.qualified THEN 'qualified' END)) AS k(key)
      WHERE k.key IS NOT NULL GROUP BY 1`, params);
  const actual = leadCountsFromRows(leadRows);
  const differences: CountDifference[] = [];
  compareLeadCounts(differences, counted, actual);
  compareDueCounters(differences, await m.query(
    `SELECT key, sum(n) AS n FROM (
        SELECT key, n FROM campaign_due_counts WHERE campaign_id = $1 AND tenant_id = $2
        UNION ALL
        SELECT key, n FROM lead_count_deltas WHERE campaign_id = $1 AND tenant_id = $2 AND key LIKE 'due:%'
     ) x GROUP BY key`, params), await m.query(
    `SELECT 'due:' || to_char(date_trunc('minute', next_attempt_at AT TIME ZONE 'UTC'), 'YYYYMMDDHH24MI') AS key, count(*) AS n
       FROM leads WHERE campaign_id = $1 AND tenant_id = $2 AND status = 'pending' GROUP BY 1`, params));

  const [calls] = await m.query(
    `SELECT count(*) AS attempts, count(*) FILTER (WHERE a.ended_at IS NOT NULL AND a.counted_at IS NULL) AS unfolded,
            ${callTotalsSql('a.counted_at IS NOT NULL')}
       FROM call_attempts a WHERE a.campaign_id = $1 AND a.tenant_id = $2`, params) as Array<Record<string, string>>;
  const num = (r: Record<string, unknown> | undefined, k: string) => Number(r?.[k] ?? 0);

  const [stats] = await m.query(
    `SELECT * FROM campaign_stats WHERE campaign_id = $1 AND tenant_id = $2`, params) as Array<Record<string, unknown>>;
  compare(differences, 'stats.attempts', counted.attempts, num(calls, 'attempts'));
  for (const f of CALL_FIELDS) compare(differences, `stats.${f}`, num(stats, f), num(calls, f));

  const buckets: Array<Record<string, string>> = await m.query(
    `SELECT granularity, sum(dials) AS dials, ${CALL_FIELDS.map((f) => `sum(${f}) AS ${f}`).join(', ')}
       FROM campaign_stat_buckets WHERE campaign_id = $1 AND tenant_id = $2 GROUP BY granularity`, params);
  const foldedTotals: CallTotals = { dials: num(calls, 'calls_ended') } as CallTotals;
  for (const f of CALL_FIELDS) foldedTotals[f] = num(calls, f);
  for (const g of ['minute', 'hour']) {
    const row = buckets.find((b) => b.granularity === g);
    for (const f of ['dials', ...CALL_FIELDS] as const) compare(differences, `buckets.${g}.${f}`, num(row, f), foldedTotals[f]);
  }

  return {
    campaignId, consistent: differences.length === 0, differences, unfoldedCalls: num(calls, 'unfolded'), recountedAt: new Date(),
  };
}
