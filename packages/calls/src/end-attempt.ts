import type { Queue } from 'bullmq';
import {
  addOptOutToDnc, closeDialledCallback, lockAttemptsById, lockSettlementRows, recordOutboundEvents, writeAttemptEnds, writeAttemptProgress, writeAudit,
  writeCallback, writeLeadSettlements,
  type AttemptEnd, type AttemptRow, type DataSource, type EntityManager,
} from '@dialer/db';
import {
  attemptEndEvents, attemptTransition, callbackScheduledEvent, settleLeadWithCallback,
  type CallbackSettlement, type CallStatus, type LeadNext, type OutboundEvent, type Outcome,
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
  lease: Pick<ConcurrencyLease, 'releaseMany'>;
  /** The call-finished queue: metrics-aggregator folds the attempt (job id = attempt id). */
  callFinishedQueue: Pick<Queue, 'addBulk'>;
  logger: Logger;
}

/**
 * Applies a provider's status to a call attempt and, when it ends the call, finishes it: the slot
 * is freed and the fold asked for. The post-steps are idempotent; when they fail the attempt stays
 * ended and unfolded, and webhook-ingest's sweeper repeats them (logged here, not thrown).
 */
export async function endAttempt(deps: EndAttemptDeps, callAttemptId: string, u: CallUpdate): Promise<ApplyResult> {
  return (await endAttempts(deps, [{ callAttemptId, update: u }]))[0] as ApplyResult;
}

/** One attempt's update, for the batch forms. */
export interface AttemptUpdate {
  callAttemptId: string;
  update: CallUpdate;
}

/**
 * endAttempt for several attempts at once: one transaction (applyCallUpdates), then the slots of
 * the ended ones freed and their folds asked for, in two round trips to Redis whatever their number.
 */
export async function endAttempts(deps: EndAttemptDeps, items: readonly AttemptUpdate[]): Promise<ApplyResult[]> {
  const results = await applyCallUpdates(deps.ds, items);
  const ended = results.flatMap((r) => (r.applied && r.terminal ? [r.attempt] : []));
  if (ended.length > 0) {
    try {
      await finishEndedAttempts(deps, ended);
    } catch (err) {
      deps.logger.warn({ err, callAttemptIds: ended.map((a) => a.id) }, 'terminal post-steps failed; the sweeper will repeat them');
    }
  }
  return results;
}

/**
 * One transaction: the attempt moves forward only (a late "ringing" never overwrites "completed";
 * a duplicate is a no-op; another call's update is refused). On a terminal status the attempt ends
 * and its lead is settled as `settleLead` decides (retry at a time, or final with a disposition;
 * an opt-out also puts the number on the tenant's DNC list). The post-steps are the caller's
 * (endAttempt), after this commits.
 */
export async function applyCallUpdate(ds: DataSource | EntityManager, callAttemptId: string, u: CallUpdate): Promise<ApplyResult> {
  return (await applyCallUpdates(ds, [{ callAttemptId, update: u }]))[0] as ApplyResult;
}

/**
 * applyCallUpdate for several attempts (each named once) in one transaction, with the same effect
 * as one after the other, in a fixed number of statements: the attempts locked in id order, their
 * leads locked in id order with their campaigns' rules, then every settled lead written in one
 * statement and every ended attempt in another. What is rare (a callback the call asked for, a
 * pending callback dialled, an opt-out) is written per lead in the same transaction. Two ended
 * attempts of one lead in one batch (a late end of an earlier call) settle one after the other,
 * the second seeing the first's effect. Results in the items' order.
 */
export async function applyCallUpdates(ds: DataSource | EntityManager, items: readonly AttemptUpdate[]): Promise<ApplyResult[]> {
  if (items.length === 0) return [];
  const ids = items.map((i) => i.callAttemptId);
  if (new Set(ids).size !== ids.length) throw new Error('applyCallUpdates: an attempt is named twice');
  return ds.transaction(async (m: EntityManager): Promise<ApplyResult[]> => {
    const attempts = new Map((await lockAttemptsById(m, ids)).map((a) => [a.id, a]));
    const results = new Array<ApplyResult>(items.length);
    const ending: Array<{ index: number; attempt: AttemptRow; u: CallUpdate; at: Date; status: CallStatus; outcome: Outcome }> = [];
    for (const [index, { callAttemptId, update: u }] of items.entries()) {
      const attempt = attempts.get(callAttemptId);
      if (!attempt) {
        results[index] = { applied: false, reason: 'unknown_attempt' };
        continue;
      }
      const at = u.at ?? clock.now();
      const step = attemptTransition({ status: attempt.status, providerCallId: attempt.provider_call_id }, u);
      if (step.kind === 'ignore') results[index] = { applied: false, reason: step.reason };
      else if (step.kind === 'progress') {
        await writeAttemptProgress(m, callAttemptId, { status: u.status, rawStatus: u.rawStatus, providerCallId: u.providerCallId ?? null, at });
        results[index] = { applied: true, terminal: false, attempt: { ...attempt, status: u.status } };
      } else ending.push({ index, attempt, u, at, status: step.status, outcome: step.outcome }); // its result once its lead is settled
    }
    if (ending.length === 0) return results;

    const { leads, campaigns } = await lockSettlementRows(m, ending.map((e) => e.attempt));
    const leadWrites = new Map<string, Exclude<LeadNext, { kind: 'unchanged' }>>();
    const attemptEnds: Array<{ id: string } & AttemptEnd> = [];
    const events: OutboundEvent[] = [];
    for (const { index, attempt, u, at, status, outcome } of ending) {
      const lead = leads.get(attempt.lead_id);
      const campaign = campaigns.get(attempt.campaign_id);
      let settled: SettledLead | undefined;
      if (lead) {
        const s = campaign && settleLeadWithCallback({
          outcome, attemptNo: attempt.attempt_no, endedAt: at,
          lead: { status: lead.status, attempts: lead.attempts },
          campaign: {
            status: campaign.status, maxAttempts: campaign.max_attempts, retryPolicy: campaign.retry_policy,
            callingWindow: campaign.calling_window, defaultTimezone: campaign.default_timezone,
          },
          callee: { phoneE164: lead.phone_e164, timezones: lead.timezones },
        }, u.callbackAt ?? null);
        if (s && s.lead.kind !== 'unchanged') {
          leadWrites.set(lead.id, s.lead);
          // What a later ended attempt of this lead in the same batch must see (written once, below).
          lead.status = s.lead.kind === 'final' ? 'done' : 'pending';
          // A pending callback brought this attempt about (none is taken while a lead is in a call): it is
          // dialled. Asked only when the lock's read saw one, so a plain call's end costs no extra round trip.
          if (lead.callback_pending) {
            await closeDialledCallback(m, lead.id, attempt.attempt_no);
            lead.callback_pending = false;
          }
          if (s.callback) await writeAnalysisCallback(m, attempt, lead.id, at, s.callback);
          settled = settledLead(s.lead);
        }
        // Whatever became of the lead, an opted-out number is never called again by this tenant.
        if (outcome === 'opted_out') await addOptOutToDnc(m, attempt.tenant_id, lead.phone_e164);
      }
      attemptEnds.push({
        id: attempt.id, status, rawStatus: u.rawStatus, outcome, answeredBy: u.answeredBy ?? null,
        durationSeconds: u.durationSeconds ?? null, providerCallId: u.providerCallId ?? null, error: u.error ?? null,
        at, leadFinal: settled?.final ?? null,
      });
      // The outbound webhooks of this end (call.ended, lead.completed), in its transaction; none is written when nobody listens.
      events.push(...attemptEndEvents({
        attempt, status, outcome, update: u, at, lead: settled, complianceMode: campaign?.compliance_mode ?? 'standard',
      }));
      results[index] = { applied: true, terminal: true, attempt: { ...attempt, status: u.status, ended_at: at }, lead: settled };
    }
    await writeLeadSettlements(m, [...leadWrites].map(([leadId, next]) => ({ leadId, next })));
    await writeAttemptEnds(m, attemptEnds);
    await recordOutboundEvents(m, events);
    return results;
  });
}

/** The callback the call's analysis asked for, written with its audit entry and outbound event. */
async function writeAnalysisCallback(
  m: EntityManager, attempt: AttemptRow, leadId: string, at: Date, callback: NonNullable<CallbackSettlement['callback']>,
): Promise<void> {
  const { instead } = callback;
  const callAttemptId = attempt.id;
  const cb = await writeCallback(m, {
    tenantId: attempt.tenant_id, campaignId: attempt.campaign_id, leadId, source: 'analysis', callAttemptId,
    requestedAt: callback.requestedAt, dueAt: callback.at, moved: callback.moved,
    prior: instead.kind === 'final' ? { status: 'done', nextAttemptAt: at } : { status: 'pending', nextAttemptAt: instead.at },
  });
  await writeAudit(m, {
    tenantId: attempt.tenant_id, apiKeyId: null, action: 'lead.callback_requested', entityType: 'lead', entityId: leadId,
    after: { callbackId: cb.id, source: 'analysis', callAttemptId, requestedAt: cb.requested_at, dueAt: cb.due_at, moved: cb.moved },
  });
  await recordOutboundEvents(m, [callbackScheduledEvent({
    tenantId: attempt.tenant_id, campaignId: attempt.campaign_id, leadId, callbackId: cb.id, source: 'analysis',
    callAttemptId, requestedAt: cb.requested_at, dueAt: cb.due_at, moved: cb.moved,
  })]);
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
  await finishEndedAttempts(deps, [a]);
}

/** finishEndedAttempt for several attempts: every slot freed in one round trip of scripts, every fold job added in one. */
export async function finishEndedAttempts(
  deps: Pick<EndAttemptDeps, 'lease' | 'callFinishedQueue'>,
  attempts: ReadonlyArray<Pick<AttemptRow, 'id' | 'tenant_id' | 'campaign_id' | 'lead_id' | 'attempt_no'>>,
): Promise<void> {
  if (attempts.length === 0) return;
  await deps.lease.releaseMany(attempts.map((a) => ({ campaignId: a.campaign_id, member: leaseMember(a.lead_id, a.attempt_no) })));
  await deps.callFinishedQueue.addBulk(attempts.map((a) => ({
    name: QUEUES.callFinished.name,
    data: { tenantId: a.tenant_id, campaignId: a.campaign_id, callAttemptId: a.id },
    opts: { jobId: a.id },
  })));
}
