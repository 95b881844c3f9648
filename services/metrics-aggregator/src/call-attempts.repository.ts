import { bumpCampaignStats, type DataSource } from '@dialer/db';
import type { Outcome } from '@dialer/domain';
import { returnedRows } from './query-result';

export interface EndedAttemptRef {
  id: string;
  ended_at: Date | null;
  outcome: string | null;
}

/** The tenant's attempt named by a callFinished job, or null when it does not belong to that tenant/campaign. */
export async function findAttemptForJob(ds: DataSource, tenantId: string, campaignId: string, callAttemptId: string): Promise<EndedAttemptRef | null> {
  const rows: EndedAttemptRef[] = await ds.query(
    `SELECT id, ended_at, outcome FROM call_attempts WHERE id = $1 AND tenant_id = $2 AND campaign_id = $3`,
    [callAttemptId, tenantId, campaignId]);
  return rows[0] ?? null;
}

/** Attempts that ended more than `olderThanMs` ago and were never folded (their job was lost). */
export async function listUnfoldedAttempts(ds: DataSource, olderThanMs: number, limit: number): Promise<EndedAttemptRef[]> {
  return ds.query(
    `SELECT id, ended_at, outcome FROM call_attempts
      WHERE ended_at IS NOT NULL AND counted_at IS NULL
        AND ended_at < now() - make_interval(secs => $1::double precision / 1000)
      ORDER BY ended_at
      LIMIT $2`, [olderThanMs, limit]);
}

/** Calls placed and not ended yet, over all campaigns (the live-calls gauge). */
export async function countLiveCalls(ds: DataSource): Promise<number> {
  const rows: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM call_attempts WHERE ended_at IS NULL`);
  return rows[0]?.n ?? 0;
}

export interface FoldResult {
  counted: boolean;
  campaignId?: string;
  outcome?: string | null;
}

/**
 * Folds one ended call attempt into its campaign's counters, exactly once: the attempt is marked
 * counted in the same transaction that moves the counters, so a replay finds it counted.
 *
 * Same rule as `foldCallAttempt` in @dialer/db, which cannot be used yet: it reads the raw UPDATE …
 * RETURNING result as rows, but TypeORM's postgres driver answers UPDATE with `[rows, rowCount]`,
 * so it bumps the stats with nulls (NOT NULL violation) and never counts anything.
 */
export async function foldEndedAttempt(ds: DataSource, callAttemptId: string): Promise<FoldResult> {
  return ds.transaction(async (m) => {
    const rows = returnedRows<{
      tenant_id: string; campaign_id: string; lead_id: string; outcome: Outcome | null; duration_seconds: number | null; lead_final: boolean | null;
    }>(await m.query(
      `UPDATE call_attempts SET counted_at = now()
        WHERE id = $1 AND counted_at IS NULL AND ended_at IS NOT NULL
        RETURNING tenant_id, campaign_id, lead_id, outcome, duration_seconds, lead_final`, [callAttemptId]));
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
