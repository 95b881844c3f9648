import type { EntityManager } from '@dialer/db';
import type { CallStatus } from '@dialer/domain';

/** A call's move forward through progress events (ringing, in progress), as applyEventBatch decided it. */
export interface ProgressUpdate {
  id: string;
  status: CallStatus;
  rawStatus: string;
  providerCallId: string | null;
  answeredAt: Date | null;
}

/** Writes the progress of several calls in one statement; a provider call id or answer time already set is kept. */
export async function writeProgress(m: EntityManager, updates: ProgressUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await m.query(
    `UPDATE call_attempts a SET status = u.status, raw_status = u.raw,
        provider_call_id = COALESCE(a.provider_call_id, u.pcid),
        answered_at = CASE WHEN u.answered IS NOT NULL THEN COALESCE(a.answered_at, u.answered) ELSE a.answered_at END
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS u(id, status, raw, pcid, answered)
      WHERE a.id = u.id`,
    [updates.map((u) => u.id), updates.map((u) => u.status), updates.map((u) => u.rawStatus),
      updates.map((u) => u.providerCallId), updates.map((u) => u.answeredAt)]);
}
