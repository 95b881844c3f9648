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

/** Calls placed and not ended yet, over all campaigns (the live-calls gauge). */
export async function countLiveCalls(ds: DataSource): Promise<number> {
  const rows: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM call_attempts WHERE ended_at IS NULL`);
  return rows[0]?.n ?? 0;
}
