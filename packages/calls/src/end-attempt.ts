import type { Queue } from 'bullmq';
import {
  addOptOutToDnc, closeDialledCallback, lockAttempt, lockSettlementRows, recordOutboundEvents, writeAttemptEnd, writeAttemptProgress, writeAudit,
  writeCallback, writeLeadSettlement,
  type AttemptRow, type DataSource, type EntityManager,
} from '@dialer/db';
import {
  attemptEndEvents, attemptTransition, callbackScheduledEvent, settleLeadWithCallback, type CallStatus, type LeadNext, type Outcome,
} from '@dialer/domain';
import { clock, type Logger } from '@dialer/platform';
import { leaseMember, QUEUES, type ConcurrencyLease } from '@dialer/queue';

/**
 * Ending a call attempt, the one step every service that ends one takes (webhook-ingest on a
 * terminal webhook, dialer-worker when the provider refuses the call, the reconciler when the
 * provider says a call ended or never existed):
 *
 *   apply the outcome (attemptTransition) → settle the lead (settleLead) → free the slot → ask for the fold.
 *
 * The first two run in one transaction (rows read and locked, then written as the domain decided);
 * the last two after it commits.
 */

export interface CallUpdate {
  status: CallStatus;
  rawStatus: string;
  /** Required for terminal statuses (missing: 'failed'). */
  outcome?: Outcome | null;
  answeredBy?: string | null;
  durationSeconds?: number | null;
  providerCallId?: string | null;
  error?: string | null;
  at?: Date;
  /** A callback the call's end asked for (the AI's post-call analysis): it overrides the retry, as settleLeadWithCallback decides. */
  callbackAt?: Date | null;
  /** What the ending event carried beyond the status, for the call.ended webhook (as the compliance mode allows). */
  recordingUrl?: string | null;
  analysis?: unknown;
}

export interface SettledLead {
  final: boolean;
  disposition: string | null;
  nextAttemptAt: Date | null;
}

export type ApplyResult =
  /** other_call: the update names a provider call id other than the attempt's own (never applied). */
  | { applied: false; reason: 'unknown_attempt' | 'not_forward' | 'other_call' }
  | {
      applied: true;
      terminal: boolean;
      attempt: AttemptRow;
      /** Set when terminal and the attempt was the lead's current one: what became of the lead. */
      lead?: SettledLead;
    };

export interface EndAttemptDeps {
  ds: DataSource;
  lease: Pick<ConcurrencyLease, 'release'>;
  /** The call-finished queue: metrics-aggregator folds the attempt (job id = attempt id). */
  callFinishedQueue: Pick<Queue, 'add'>;
  logger: Logger;
}

/**
 * Applies a provider's status to a call attempt and, when it ends the call, finishes it: the slot
 * is freed and the fold asked for. The post-steps are idempotent; when they fail the attempt stays
 * ended and unfolded, and webhook-ingest's sweeper repeats them (logged here, not thrown).
 */
export async function endAttempt(deps: EndAttemptDeps, callAttemptId: string, u: CallUpdate): Promise<ApplyResult> {
  const result = await applyCallUpdate(deps.ds, callAttemptId, u);
  if (result.applied && result.terminal) {
    try {
      await finishEndedAttempt(deps, result.attempt);
    } catch (err) {
      deps.logger.warn({ err, callAttemptId }, 'terminal post-steps failed; the sweeper will repeat them');
    }
  }
  return result;
}

/**
 * One transaction: the attempt moves forward only (a late "ringing" never overwrites "completed";
 * a duplicate is a no-op; another call's update is refused). On a terminal status the attempt ends
 * and its lead is settled as `settleLead` decides (retry at a time, or final with a disposition;
 * an opt-out also puts the number on the tenant's DNC list). The post-steps are the caller's
 * (endAttempt), after this commits.
 */
export async function applyCallUpdate(ds: DataSource | EntityManager, callAttemptId: string, u: CallUpdate): Promise<ApplyResult> {
  return ds.transaction(async (m: EntityManager): Promise<ApplyResult> => {
    const at = u.at ?? clock.now();
    const attempt = await lockAttempt(m, callAttemptId);
    if (!attempt) return { applied: false, reason: 'unknown_attempt' };
    const step = attemptTransition({ status: attempt.status, providerCallId: attempt.provider_call_id }, u);
    if (step.kind === 'ignore') return { applied: false, reason: step.reason };
    if (step.kind === 'progress') {
      await writeAttemptProgress(m, callAttemptId, { status: u.status, rawStatus: u.rawStatus, providerCallId: u.providerCallId ?? null, at });
      return { applied: true, terminal: false, attempt: { ...attempt, status: u.status } };
    }

    const { lead, campaign } = await lockSettlementRows(m, attempt);
    let settled: SettledLead | undefined;
    if (lead) {
      const s = campaign && settleLeadWithCallback({
        outcome: step.outcome, attemptNo: attempt.attempt_no, endedAt: at,
        lead: { status: lead.status, attempts: lead.attempts },
        campaign: {
          status: campaign.status, maxAttempts: campaign.max_attempts, retryPolicy: campaign.retry_policy,
          callingWindow: campaign.calling_window, defaultTimezone: campaign.default_timezone,
        },
        callee: { phoneE164: lead.phone_e164, timezones: lead.timezones },
      }, u.callbackAt ?? null);
      if (s && s.lead.kind !== 'unchanged') {
        await writeLeadSettlement(m, lead.id, s.lead);
        // A pending callback brought this attempt about (none is taken while a lead is in a call): it is
        // dialled. Asked only when the lock's read saw one, so a plain call's end costs no extra round trip.
        if (lead.callback_pending) await closeDialledCallback(m, lead.id, attempt.attempt_no);
        if (s.callback) {
          const { instead } = s.callback;
          const cb = await writeCallback(m, {
            tenantId: attempt.tenant_id, campaignId: attempt.campaign_id, leadId: lead.id, source: 'analysis', callAttemptId,
            requestedAt: s.callback.requestedAt, dueAt: s.callback.at, moved: s.callback.moved,
            prior: instead.kind === 'final' ? { status: 'done', nextAttemptAt: at } : { status: 'pending', nextAttemptAt: instead.at },
          });
          await writeAudit(m, {
            tenantId: attempt.tenant_id, apiKeyId: null, action: 'lead.callback_requested', entityType: 'lead', entityId: lead.id,
            after: { callbackId: cb.id, source: 'analysis', callAttemptId, requestedAt: cb.requested_at, dueAt: cb.due_at, moved: cb.moved },
          });
          await recordOutboundEvents(m, [callbackScheduledEvent({
            tenantId: attempt.tenant_id, campaignId: attempt.campaign_id, leadId: lead.id, callbackId: cb.id, source: 'analysis',
            callAttemptId, requestedAt: cb.requested_at, dueAt: cb.due_at, moved: cb.moved,
          })]);
        }
        settled = settledLead(s.lead);
      }
      // Whatever became of the lead, an opted-out number is never called again by this tenant.
      if (step.outcome === 'opted_out') await addOptOutToDnc(m, attempt.tenant_id, lead.phone_e164);
    }

    await writeAttemptEnd(m, callAttemptId, {
      status: step.status, rawStatus: u.rawStatus, outcome: step.outcome, answeredBy: u.answeredBy ?? null,
      durationSeconds: u.durationSeconds ?? null, providerCallId: u.providerCallId ?? null, error: u.error ?? null,
      at, leadFinal: settled?.final ?? null,
    });
    // The outbound webhooks of this end (call.ended, lead.completed), in its transaction; none is written when nobody listens.
    await recordOutboundEvents(m, attemptEndEvents({
      attempt, status: step.status, outcome: step.outcome, update: u, at, lead: settled, complianceMode: campaign?.compliance_mode ?? 'standard',
    }));
    return { applied: true, terminal: true, attempt: { ...attempt, status: u.status, ended_at: at }, lead: settled };
  });
}

function settledLead(next: Exclude<LeadNext, { kind: 'unchanged' }>): SettledLead {
  return next.kind === 'final'
    ? { final: true, disposition: next.disposition, nextAttemptAt: null }
    : { final: false, disposition: next.disposition, nextAttemptAt: next.at };
}

/** Frees the attempt's slot (announcing it to the feeder) and adds its fold job; both idempotent. */
export async function finishEndedAttempt(
  deps: Pick<EndAttemptDeps, 'lease' | 'callFinishedQueue'>,
  a: Pick<AttemptRow, 'id' | 'tenant_id' | 'campaign_id' | 'lead_id' | 'attempt_no'>,
): Promise<void> {
  await deps.lease.release(a.campaign_id, leaseMember(a.lead_id, a.attempt_no));
  await deps.callFinishedQueue.add(
    QUEUES.callFinished.name,
    { tenantId: a.tenant_id, campaignId: a.campaign_id, callAttemptId: a.id },
    { jobId: a.id },
  );
}
