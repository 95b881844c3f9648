import type { DataSource, EntityManager } from 'typeorm';
import type { CallStatus, Outcome } from '@dialer/domain';
import { mutate, preparedQuery, type PreparedQuery } from '../sql';
import { accountBudgetSql } from './shared-accounts.repository';

const ACCOUNT = accountBudgetSql('pc', 'sa');

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

const LOCK_ATTEMPTS: PreparedQuery = {
  name: 'apply-lock-attempts',
  text: `SELECT id, tenant_id, campaign_id, lead_id, attempt_no, status, provider_call_id, ended_at
           FROM call_attempts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
};
const END_ATTEMPTS: PreparedQuery = {
  name: 'apply-end-attempts',
  text: `UPDATE call_attempts a SET status = e.status, raw_status = e.raw, outcome = e.outcome, answered_by = e.answered_by,
             duration_seconds = e.duration, provider_call_id = COALESCE(a.provider_call_id, e.pcid), error = COALESCE(e.error, a.error),
             ended_at = e.at, lead_final = e.lead_final
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::timestamptz[], $10::boolean[])
                AS e(id, status, raw, outcome, answered_by, duration, pcid, error, at, lead_final)
          WHERE a.id = e.id`,
};

/** What ends an attempt: its outcome; lead_final: whether it settled its lead for good (null: it did not settle it). */
export interface AttemptEnd {
  status: CallStatus; rawStatus: string; outcome: Outcome; answeredBy: string | null; durationSeconds: number | null;
  providerCallId: string | null; error: string | null; at: Date; leadFinal: boolean | null;
}

/** The attempts, locked in id order (as the dialer and every other locker of several attempts take them, so none deadlock) for the rest of the transaction. */
export async function lockAttemptsById(m: EntityManager, ids: readonly string[]): Promise<AttemptRow[]> {
  if (ids.length === 0) return [];
  return (await preparedQuery<AttemptRow>(m, LOCK_ATTEMPTS, [ids])).rows;
}

/** Ends attempts with their outcomes, any number in one statement. */
export async function writeAttemptEnds(m: EntityManager, ends: ReadonlyArray<{ id: string } & AttemptEnd>): Promise<void> {
  if (ends.length === 0) return;
  const col = <K extends keyof AttemptEnd>(k: K) => ends.map((e) => e[k]);
  await preparedQuery(m, END_ATTEMPTS, [ends.map((e) => e.id), col('status'), col('rawStatus'), col('outcome'), col('answeredBy'),
    col('durationSeconds'), col('providerCallId'), col('error'), ends.map((e) => e.at.toISOString()), col('leadFinal')]);
}

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


/**
 * Every call attempt not ended yet: the concurrency slots that must be held. Read when Redis lost
 * the leases, to rebuild them before any new dial (index call_attempts_live).
 */
export async function findLiveAttempts(ds: DataSource): Promise<Array<{
  campaignId: string; tenantId: string; leadId: string; attemptNo: number; accountGroup: string | null;
}>> {
  const rows: Array<{ campaign_id: string; tenant_id: string; lead_id: string; attempt_no: number; account_group: string | null }> = await ds.query(
    `SELECT a.campaign_id, a.tenant_id, a.lead_id, a.attempt_no,
            CASE WHEN pc.id IS NULL THEN a.provider_connection_id::text ELSE ${ACCOUNT.group} END AS account_group
       FROM call_attempts a LEFT JOIN provider_connections pc ON pc.id = a.provider_connection_id
       ${ACCOUNT.join}
      WHERE a.ended_at IS NULL`);
  return rows.map((r) => ({
    campaignId: r.campaign_id, tenantId: r.tenant_id, leadId: r.lead_id, attemptNo: r.attempt_no, accountGroup: r.account_group,
  }));
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

/*
 * The reconciler's statements (services/scheduler): attempts the provider must be asked about, and
 * the adoption of a provider call found for an attempt never marked dialled.
 */

/** An attempt committed but never marked dialled, older than the grace period. */
export interface UndialledAttempt {
  id: string;
  tenantId: string;
  campaignId: string;
  leadId: string;
  attemptNo: number;
  createdAt: Date;
  phoneE164: string;
  providerConnectionId: string | null;
}

/** Attempts with no provider call id and no end, created before `before` (index call_attempts_live). */
export async function findUndialledAttempts(ds: DataSource, before: Date, limit = 200): Promise<UndialledAttempt[]> {
  const rows: Array<{
    id: string; tenant_id: string; campaign_id: string; lead_id: string; attempt_no: number; created_at: Date;
    phone_e164: string; provider_connection_id: string | null;
  }> = await ds.query(
    `SELECT a.id, a.tenant_id, a.campaign_id, a.lead_id, a.attempt_no, a.created_at, l.phone_e164, a.provider_connection_id
       FROM call_attempts a JOIN leads l ON l.id = a.lead_id AND l.tenant_id = a.tenant_id
      WHERE a.ended_at IS NULL AND a.provider_call_id IS NULL AND a.created_at < $1
      ORDER BY a.created_at LIMIT $2`, [before, limit]);
  return rows.map((r) => ({
    id: r.id, tenantId: r.tenant_id, campaignId: r.campaign_id, leadId: r.lead_id, attemptNo: r.attempt_no,
    createdAt: new Date(r.created_at), phoneE164: r.phone_e164, providerConnectionId: r.provider_connection_id,
  }));
}

/** A dialled attempt whose webhooks stopped coming: not ended, no status change for too long. */
export interface StaleAttempt {
  id: string;
  tenantId: string;
  campaignId: string;
  leadId: string;
  attemptNo: number;
  providerCallId: string;
  providerConnectionId: string;
  /** Its last recorded change: the answer, else the dial (else the commit). */
  since: Date;
}

/**
 * The ring time `ringingBefore` is meant for (the campaigns' default ring timeout): an unanswered
 * attempt of a campaign that rings longer is stale that much later.
 */
export const STALE_RINGING_CUT_RING_SECONDS = 30;

/**
 * Dialled attempts (a provider call id, a connection) not ended, unanswered and dialled before
 * `ringingBefore` (less what its campaign's ring timeout exceeds STALE_RINGING_CUT_RING_SECONDS),
 * or answered before `answeredBefore`; oldest change first, `skip` left out, at most
 * `perConnection` of each provider connection and `limit` in all. The partial index
 * call_attempts_live (ended_at IS NULL) holds only the live attempts, as many as the campaigns'
 * concurrency allows, so the scan stays small however many attempts have ended.
 */
export async function findStaleAttempts(
  ds: DataSource, cut: { ringingBefore: Date; answeredBefore: Date }, skip: string[], limit: { total: number; perConnection: number },
): Promise<StaleAttempt[]> {
  const rows: Array<{
    id: string; tenant_id: string; campaign_id: string; lead_id: string; attempt_no: number; provider_call_id: string;
    provider_connection_id: string; since: Date;
  }> = await ds.query(
    `SELECT id, tenant_id, campaign_id, lead_id, attempt_no, provider_call_id, provider_connection_id, since
       FROM (SELECT id, tenant_id, campaign_id, lead_id, attempt_no, provider_call_id, provider_connection_id,
                    COALESCE(answered_at, dialed_at, created_at) AS since,
                    row_number() OVER (PARTITION BY provider_connection_id ORDER BY COALESCE(answered_at, dialed_at, created_at)) AS nth
               FROM call_attempts a
              WHERE ended_at IS NULL AND provider_call_id IS NOT NULL AND provider_connection_id IS NOT NULL
                AND CASE WHEN answered_at IS NULL
                         THEN COALESCE(dialed_at, created_at) < $1::timestamptz - make_interval(secs => GREATEST(
                                (SELECT c.ring_timeout_seconds FROM campaigns c WHERE c.id = a.campaign_id) - $6, 0))
                         ELSE answered_at < $2 END
                AND id <> ALL($3::uuid[])) s
      WHERE nth <= $5
      ORDER BY since LIMIT $4`, [cut.ringingBefore, cut.answeredBefore, skip, limit.total, limit.perConnection, STALE_RINGING_CUT_RING_SECONDS]);
  return rows.map((r) => ({
    id: r.id, tenantId: r.tenant_id, campaignId: r.campaign_id, leadId: r.lead_id, attemptNo: r.attempt_no,
    providerCallId: r.provider_call_id, providerConnectionId: r.provider_connection_id, since: new Date(r.since),
  }));
}

/** Of the given (lead, attempt number) pairs: which attempts exist, and whether they ended. */
export async function attemptStates(
  ds: DataSource, pairs: Array<{ leadId: string; attemptNo: number }>,
): Promise<Map<string, { id: string; tenantId: string; ended: boolean }>> {
  const out = new Map<string, { id: string; tenantId: string; ended: boolean }>();
  if (!pairs.length) return out;
  const rows: Array<{ id: string; tenant_id: string; lead_id: string; attempt_no: number; ended: boolean }> = await ds.query(
    `SELECT a.id, a.tenant_id, a.lead_id, a.attempt_no, a.ended_at IS NOT NULL AS ended
       FROM unnest($1::uuid[], $2::int[]) AS v(lead_id, attempt_no)
       JOIN call_attempts a ON a.lead_id = v.lead_id AND a.attempt_no = v.attempt_no`,
    [pairs.map((p) => p.leadId), pairs.map((p) => p.attemptNo)]);
  for (const r of rows) out.set(`${r.lead_id}#${r.attempt_no}`, { id: r.id, tenantId: r.tenant_id, ended: r.ended });
  return out;
}

/** Provider call ids among `sids` already owned by some attempt of the tenant. */
export async function knownProviderCallIds(ds: DataSource, tenantId: string, sids: string[]): Promise<Set<string>> {
  if (!sids.length) return new Set();
  const rows: Array<{ provider_call_id: string }> = await ds.query(
    `SELECT provider_call_id FROM call_attempts WHERE tenant_id = $1 AND provider_call_id = ANY($2::text[])`, [tenantId, sids]);
  return new Set(rows.map((r) => r.provider_call_id));
}

/** The provider's call found for an undialled attempt: adopt its id (forward only; no other change). */
export async function adoptProviderCall(ds: DataSource, attempt: UndialledAttempt, providerCallId: string): Promise<boolean> {
  const { count } = await mutate(ds,
    `UPDATE call_attempts SET provider_call_id = $3, dialed_at = COALESCE(dialed_at, now()),
        status = CASE WHEN status = 'created' THEN 'queued' ELSE status END
      WHERE id = $1 AND tenant_id = $2 AND provider_call_id IS NULL AND ended_at IS NULL`, [attempt.id, attempt.tenantId, providerCallId]);
  return count > 0;
}
