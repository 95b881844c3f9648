import type { DataSource } from 'typeorm';
import type { Outcome } from '@dialer/domain';
import { queryRows } from '../sql';
import { bumpManyStatBuckets, callCounts } from './stat-buckets.repository';
import { bumpManyCampaignStats } from './campaign-stats.repository';

export interface FoldResult {
  counted: boolean;
  campaignId?: string;
  tenantId?: string;
  outcome?: Outcome | null;
  attemptNo?: number;
  durationSeconds?: number | null;
  endedAt?: Date;
  /** Whether the call settled its lead for good. */
  leadFinal?: boolean;
}

/**
 * Folds one ended call attempt into its campaign's counters and its minute/hour buckets, exactly
 * once: the attempt is marked counted in the same transaction that moves them, so a replay finds it
 * counted.
 */
export async function foldCallAttempt(ds: DataSource, callAttemptId: string): Promise<FoldResult> {
  return (await foldCallAttempts(ds, [callAttemptId]))[0]!;
}

/**
 * foldCallAttempt for many attempts in one transaction of three statements, whatever their number
 * and campaigns: mark them counted, add to each campaign's counters, add to the buckets. Results
 * in the order of the ids; an id given twice counts once (the first).
 */
export async function foldCallAttempts(ds: DataSource, callAttemptIds: readonly string[]): Promise<FoldResult[]> {
  if (!callAttemptIds.length) return [];
  return ds.transaction(async (m) => {
    const rows: Array<{
      id: string; tenant_id: string; campaign_id: string; attempt_no: number; outcome: Outcome | null;
      duration_seconds: number | null; lead_final: boolean | null; created_at: Date; dialed_at: Date | null; ended_at: Date;
    }> = await queryRows(m,
      // Locked in id order first, as every fold does: two batches that share attempts (a job's retry
      // and the sweeper's repair) wait for each other instead of deadlocking.
      `WITH locked AS MATERIALIZED (
         SELECT id FROM call_attempts WHERE id = ANY($1::uuid[]) AND counted_at IS NULL AND ended_at IS NOT NULL
          ORDER BY id FOR UPDATE)
       UPDATE call_attempts a SET counted_at = now() FROM locked
        WHERE a.id = locked.id
        RETURNING a.id, a.tenant_id, a.campaign_id, a.attempt_no, a.outcome, a.duration_seconds, a.lead_final, a.created_at, a.dialed_at, a.ended_at`,
      [[...new Set(callAttemptIds)]]);
    const calls = rows.map((a) => ({ a, counts: callCounts(a.outcome, a.duration_seconds) }));
    await bumpManyCampaignStats(m, calls.map(({ a, counts }) => ({ tenantId: a.tenant_id, campaignId: a.campaign_id, delta: counts })));
    await bumpManyStatBuckets(m, calls.map(({ a, counts }) => ({
      tenantId: a.tenant_id, campaignId: a.campaign_id, dialedAt: a.dialed_at ?? a.created_at, endedAt: a.ended_at, counts,
    })));
    const byId = new Map(rows.map((a) => [a.id, a]));
    return callAttemptIds.map((id): FoldResult => {
      const a = byId.get(id);
      if (!a) return { counted: false };
      byId.delete(id); // a repeated id: counted once
      return {
        counted: true, campaignId: a.campaign_id, tenantId: a.tenant_id, outcome: a.outcome, attemptNo: a.attempt_no,
        durationSeconds: a.duration_seconds, endedAt: a.ended_at, leadFinal: a.lead_final === true,
      };
    });
  });
}
