import type { DataSource } from 'typeorm';
import type { Outcome } from '@dialer/domain';
import { queryRows } from '../sql';
import { bumpCampaignStats } from './stats.repository';

export interface FoldResult {
  counted: boolean;
  campaignId?: string;
  outcome?: Outcome | null;
}

/**
 * Folds one ended call attempt into its campaign's counters, exactly once: the attempt is marked
 * counted in the same transaction that moves the counters, so a replay finds it counted.
 */
export async function foldCallAttempt(ds: DataSource, callAttemptId: string): Promise<FoldResult> {
  return ds.transaction(async (m) => {
    const rows: Array<{ tenant_id: string; campaign_id: string; lead_id: string; outcome: Outcome | null; duration_seconds: number | null; lead_final: boolean | null }> =
      await queryRows(m,
        `UPDATE call_attempts SET counted_at = now()
          WHERE id = $1 AND counted_at IS NULL AND ended_at IS NOT NULL
          RETURNING tenant_id, campaign_id, lead_id, outcome, duration_seconds, lead_final`, [callAttemptId]);
    const a = rows[0];
    if (!a) return { counted: false };
    let disposition: string | undefined;
    if (a.lead_final) {
      const leads: Array<{ disposition: string | null }> = await m.query(
        `SELECT disposition FROM leads WHERE id = $1 AND tenant_id = $2`, [a.lead_id, a.tenant_id]);
      disposition = leads[0]?.disposition ?? a.outcome ?? 'failed';
    }
    const o = a.outcome;
    await bumpCampaignStats(m, a.tenant_id, a.campaign_id, {
      callsEnded: 1,
      connected: o === 'answered' ? 1 : 0,
      voicemail: o === 'voicemail' ? 1 : 0,
      busy: o === 'busy' ? 1 : 0,
      noAnswer: o === 'no_answer' ? 1 : 0,
      failed: o === 'failed' || o === 'provider_error' || o === 'invalid_number' ? 1 : 0,
      canceled: o === 'canceled' ? 1 : 0,
      talkSeconds: o === 'answered' || o === 'voicemail' ? a.duration_seconds ?? 0 : 0,
      leadsDone: a.lead_final ? 1 : 0,
      disposition,
    });
    return { counted: true, campaignId: a.campaign_id, outcome: o };
  });
}
