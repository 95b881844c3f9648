import type { DataSource } from '@dialer/db';

export interface JobAttempt {
  id: string;
  tenant_id: string;
  campaign_id: string;
  ended_at: Date | null;
}

/** The attempts named by callFinished jobs, by id; the caller checks each belongs to its job's tenant and campaign. */
export async function findAttemptsForJobs(ds: DataSource, ids: readonly string[]): Promise<Map<string, JobAttempt>> {
  const rows: JobAttempt[] = await ds.query(
    `SELECT id, tenant_id, campaign_id, ended_at FROM call_attempts WHERE id = ANY($1::uuid[])`, [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id, r]));
}

/** Calls placed and not ended yet, over all campaigns (the live-calls gauge). */
export async function countLiveCalls(ds: DataSource): Promise<number> {
  const rows: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM call_attempts WHERE ended_at IS NULL`);
  return rows[0]?.n ?? 0;
}
