import type { DataSource } from '@dialer/db';

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
