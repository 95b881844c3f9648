import type { DataSource } from 'typeorm';
import type { Outcome } from '@dialer/domain';
import { queryRows } from '../sql';
import { bumpStatBuckets, callCounts } from './stat-buckets.repository';
import { bumpCampaignStats } from './campaign-stats.repository';

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
  return ds.transaction(async (m) => {
    const rows: Array<{
      tenant_id: string; campaign_id: string; attempt_no: number; outcome: Outcome | null;
      duration_seconds: number | null; lead_final: boolean | null; created_at: Date; dialed_at: Date | null; ended_at: Date;
    }> = await queryRows(m,
      `UPDATE call_attempts SET counted_at = now()
        WHERE id = $1 AND counted_at IS NULL AND ended_at IS NOT NULL
        RETURNING tenant_id, campaign_id, attempt_no, outcome, duration_seconds, lead_final, created_at, dialed_at, ended_at`,
      [callAttemptId]);
    const a = rows[0];
    if (!a) return { counted: false };
    const counts = callCounts(a.outcome, a.duration_seconds);
    await bumpCampaignStats(m, a.tenant_id, a.campaign_id, counts);
    await bumpStatBuckets(m, a.tenant_id, a.campaign_id, { dialedAt: a.dialed_at ?? a.created_at, endedAt: a.ended_at, counts });
    return {
      counted: true, campaignId: a.campaign_id, tenantId: a.tenant_id, outcome: a.outcome, attemptNo: a.attempt_no,
      durationSeconds: a.duration_seconds, endedAt: a.ended_at, leadFinal: a.lead_final === true,
    };
  });
}
