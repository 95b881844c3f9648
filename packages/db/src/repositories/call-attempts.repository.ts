import type { DataSource, EntityManager } from 'typeorm';
import {
  decideAfterCall, isForwardTransition, isTerminalCallStatus, leadZones, nextCallableAt, rulesForCallee,
  type CallStatus, type CallingWindow, type Outcome, type RetryPolicy,
} from '@dialer/domain';
import { clock } from '@dialer/platform';
import { preparedQuery, type PreparedQuery } from '../sql';

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

export interface CallUpdate {
  status: CallStatus;
  rawStatus: string;
  /** Required for terminal statuses. */
  outcome?: Outcome | null;
  answeredBy?: string | null;
  durationSeconds?: number | null;
  providerCallId?: string | null;
  error?: string | null;
  at?: Date;
}

export type ApplyResult =
  /** other_call: the update names a provider call id other than the attempt's own (never applied). */
  | { applied: false; reason: 'unknown_attempt' | 'not_forward' | 'other_call' }
  | {
      applied: true;
      terminal: boolean;
      attempt: AttemptRow;
      /** Set when terminal: what became of the lead. */
      lead?: { final: boolean; disposition: string | null; nextAttemptAt: Date | null };
    };

/** The statements of applyCallUpdate, run as prepared statements on the transaction's connection (one per webhook). */
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
const LOCK_LEAD: PreparedQuery = {
  name: 'apply-lock-lead',
  text: `SELECT id, status, attempts, timezones, phone_e164 FROM leads WHERE id = $1 FOR UPDATE`,
};
const CAMPAIGN_RULES: PreparedQuery = {
  name: 'apply-campaign-rules',
  text: `SELECT max_attempts, retry_policy, calling_window, default_timezone, status FROM campaigns WHERE id = $1`,
};
const LEAD_DONE: PreparedQuery = {
  name: 'apply-lead-done',
  text: `UPDATE leads SET status = 'done', disposition = $2, updated_at = now() WHERE id = $1`,
};
const LEAD_RETRY: PreparedQuery = {
  name: 'apply-lead-retry',
  text: `UPDATE leads SET status = 'pending', disposition = $2, next_attempt_at = $3, updated_at = now() WHERE id = $1`,
};
const END_ATTEMPT: PreparedQuery = {
  name: 'apply-end-attempt',
  text: `UPDATE call_attempts SET status = $2, raw_status = $3, outcome = $4, answered_by = $5,
             duration_seconds = $6, provider_call_id = COALESCE(provider_call_id, $7), error = COALESCE($8, error),
             ended_at = $9, lead_final = $10
           WHERE id = $1`,
};

/**
 * Applies a call status to an attempt, forward only (a late "ringing" never overwrites "completed";
 * a duplicate is a no-op). On a terminal status, in the same transaction, it ends the attempt and
 * settles the lead: retried at the later of the retry delay and the next calling-window opening
 * (campaign schedule ∩ the callee's rule pack, in the callee's zones), or final with its disposition.
 * Never retried after a completed conversation or an opt-out; an opt-out also puts the number on
 * the tenant's do-not-call list in the same transaction. The caller releases the concurrency lease after this commits.
 */
export async function applyCallUpdate(ds: DataSource | EntityManager, callAttemptId: string, u: CallUpdate): Promise<ApplyResult> {
  return ds.transaction((m: EntityManager) => applyInTx(m, callAttemptId, u));
}

async function applyInTx(m: EntityManager, callAttemptId: string, u: CallUpdate): Promise<ApplyResult> {
  const at = u.at ?? clock.now();
  const { rows } = await preparedQuery<AttemptRow>(m, LOCK_ATTEMPT, [callAttemptId]);
  const attempt = rows[0];
  if (!attempt) return { applied: false, reason: 'unknown_attempt' };
  if (u.providerCallId && attempt.provider_call_id && u.providerCallId !== attempt.provider_call_id) return { applied: false, reason: 'other_call' };
  if (!isForwardTransition(attempt.status, u.status)) return { applied: false, reason: 'not_forward' };

  const terminal = isTerminalCallStatus(u.status);
  if (!terminal) {
    await preparedQuery(m, PROGRESS_ATTEMPT, [callAttemptId, u.status, u.rawStatus, u.providerCallId ?? null, at]);
    return { applied: true, terminal: false, attempt: { ...attempt, status: u.status } };
  }

  const outcome: Outcome = u.outcome ?? 'failed';
  const lead = (await preparedQuery<{ id: string; status: string; attempts: number; timezones: string[]; phone_e164: string }>(
    m, LOCK_LEAD, [attempt.lead_id])).rows[0];
  const campaign = (await preparedQuery<{
    max_attempts: number; retry_policy: RetryPolicy; calling_window: CallingWindow; default_timezone: string; status: string;
  }>(m, CAMPAIGN_RULES, [attempt.campaign_id])).rows[0];

  let leadResult: { final: boolean; disposition: string | null; nextAttemptAt: Date | null } | undefined;
  // Only the lead's current attempt settles the lead.
  if (lead && campaign && lead.status === 'dialing' && lead.attempts === attempt.attempt_no) {
    const decision = decideAfterCall({
      outcome, attemptsMade: lead.attempts, maxAttempts: campaign.max_attempts, policy: campaign.retry_policy ?? {}, endedAt: at,
    });
    let next: Date | null = null;
    let disposition: string = outcome;
    let final = decision.kind === 'final';
    if (decision.kind === 'final') {
      disposition = decision.disposition;
    } else if (campaign.status === 'stopped' || campaign.status === 'cancelled') {
      // The campaign was stopped while this call was live: no retry, the lead ends here.
      final = true;
      disposition = 'stopped';
    } else {
      const rules = rulesForCallee(campaign.calling_window ?? {}, lead.phone_e164);
      next = nextCallableAt(rules, leadZones(lead.timezones, campaign.default_timezone), decision.notBefore, 366);
      if (!next) {
        final = true;
        disposition = 'exhausted';
      }
    }
    if (final) {
      await preparedQuery(m, LEAD_DONE, [lead.id, disposition]);
    } else {
      await preparedQuery(m, LEAD_RETRY, [lead.id, disposition, next]);
    }
    leadResult = { final, disposition, nextAttemptAt: next };
  }

  if (outcome === 'opted_out' && lead) {
    // Whatever became of the lead, the number is never called again by this tenant.
    await m.query(
      `INSERT INTO dnc_entries (tenant_id, campaign_id, phone_e164, reason, source)
       VALUES ($1, NULL, $2, 'opted out during a call', 'opt_out')
       ON CONFLICT (tenant_id, phone_e164, campaign_id) DO NOTHING`, [attempt.tenant_id, lead.phone_e164]);
  }

  await preparedQuery(m, END_ATTEMPT,
    [callAttemptId, u.status, u.rawStatus, outcome, u.answeredBy ?? null, u.durationSeconds ?? null,
      u.providerCallId ?? null, u.error ?? null, at, leadResult?.final ?? null]);
  return { applied: true, terminal: true, attempt: { ...attempt, status: u.status, ended_at: at }, lead: leadResult };
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
