import type { DataSource, EntityManager } from 'typeorm';
import type { CallStatus, Outcome } from '@dialer/domain';
import { preparedQuery, type PreparedQuery } from '../sql';

/**
 * The call_attempts statements. Those that apply an update are run by `applyCallUpdate`
 * (packages/calls) in one transaction per update, with the lead's (leads.repository): lock and
 * read the rows, then write what the domain (`attemptTransition`, `settleLead`) decided. They
 * decide nothing. Prepared statements on the transaction's connection: they run once per webhook.
 */

export interface AttemptRow {
  id: string;
  tenant_id: string;
  campaign_id: string;
  lead_id: string;
  attempt_no: number;
  status: CallStatus;
  provider_call_id: string | null;
  ended_at: Date | null;
}

const LOCK_ATTEMPT: PreparedQuery = {
  name: 'apply-lock-attempt',
  text: `SELECT id, tenant_id, campaign_id, lead_id, attempt_no, status, provider_call_id, ended_at
           FROM call_attempts WHERE id = $1 FOR UPDATE`,
};
const PROGRESS_ATTEMPT: PreparedQuery = {
  name: 'apply-progress-attempt',
  text: `UPDATE call_attempts SET status = $2, raw_status = $3,
             provider_call_id = COALESCE(provider_call_id, $4),
             answered_at = CASE WHEN $2 = 'in_progress' THEN COALESCE(answered_at, $5) ELSE answered_at END
           WHERE id = $1`,
};
const END_ATTEMPT: PreparedQuery = {
  name: 'apply-end-attempt',
  text: `UPDATE call_attempts SET status = $2, raw_status = $3, outcome = $4, answered_by = $5,
             duration_seconds = $6, provider_call_id = COALESCE(provider_call_id, $7), error = COALESCE($8, error),
             ended_at = $9, lead_final = $10
           WHERE id = $1`,
};

/** The attempt, locked for the rest of the transaction; undefined when there is none. */
export async function lockAttempt(m: EntityManager, callAttemptId: string): Promise<AttemptRow | undefined> {
  return (await preparedQuery<AttemptRow>(m, LOCK_ATTEMPT, [callAttemptId])).rows[0];
}

/** A live call moved forward (ringing, in progress …); the first in_progress sets answered_at. */
export async function writeAttemptProgress(
  m: EntityManager, callAttemptId: string, p: { status: CallStatus; rawStatus: string; providerCallId: string | null; at: Date },
): Promise<void> {
  await preparedQuery(m, PROGRESS_ATTEMPT, [callAttemptId, p.status, p.rawStatus, p.providerCallId, p.at]);
}

/** The callee opted out during a call: the number goes onto the tenant's DNC list (all campaigns). */
export async function addOptOutToDnc(m: EntityManager, tenantId: string, phoneE164: string): Promise<void> {
  await m.query(
    `INSERT INTO dnc_entries (tenant_id, campaign_id, phone_e164, reason, source)
     VALUES ($1, NULL, $2, 'opted out during a call', 'opt_out')
     ON CONFLICT (tenant_id, phone_e164, campaign_id) DO NOTHING`, [tenantId, phoneE164]);
}

/** Ends the attempt with its outcome; lead_final: whether it settled its lead for good (null: it did not settle it). */
export async function writeAttemptEnd(m: EntityManager, callAttemptId: string, e: {
  status: CallStatus; rawStatus: string; outcome: Outcome; answeredBy: string | null; durationSeconds: number | null;
  providerCallId: string | null; error: string | null; at: Date; leadFinal: boolean | null;
}): Promise<void> {
  await preparedQuery(m, END_ATTEMPT,
    [callAttemptId, e.status, e.rawStatus, e.outcome, e.answeredBy, e.durationSeconds, e.providerCallId, e.error, e.at, e.leadFinal]);
}

/**
 * Every call attempt not ended yet: the concurrency slots that must be held. Read when Redis lost
 * the leases, to rebuild them before any new dial (index call_attempts_live).
 */
export async function findLiveAttempts(ds: DataSource): Promise<Array<{ campaignId: string; leadId: string; attemptNo: number }>> {
  const rows: Array<{ campaign_id: string; lead_id: string; attempt_no: number }> = await ds.query(
    `SELECT campaign_id, lead_id, attempt_no FROM call_attempts WHERE ended_at IS NULL`);
  return rows.map((r) => ({ campaignId: r.campaign_id, leadId: r.lead_id, attemptNo: r.attempt_no }));
}

export interface UnfoldedAttempt {
  id: string;
  tenant_id: string;
  campaign_id: string;
  lead_id: string;
  attempt_no: number;
  ended_at: Date;
  outcome: Outcome | null;
}

/**
 * Attempts that ended over `olderThanMs` ago and were never folded (counted_at unset): their
 * post-steps (slot release, fold job) may have been lost in a crash. Oldest first. Read by both
 * sweepers: webhook-ingest repeats the post-steps, metrics-aggregator folds them itself.
 */
export async function listUnfoldedEndedAttempts(ds: DataSource, olderThanMs: number, limit: number): Promise<UnfoldedAttempt[]> {
  return ds.query(
    `SELECT id, tenant_id, campaign_id, lead_id, attempt_no, ended_at, outcome
       FROM call_attempts
      WHERE ended_at IS NOT NULL AND counted_at IS NULL
        AND ended_at < now() - make_interval(secs => $1::double precision / 1000)
      ORDER BY ended_at
      LIMIT $2`, [olderThanMs, limit]);
}
