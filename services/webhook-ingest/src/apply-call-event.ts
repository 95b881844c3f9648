import { applyAnalysisCallback, endAttempt, type CallUpdate } from '@dialer/calls';
import type { DataSource } from '@dialer/db';
import type { CallStatus } from '@dialer/domain';
import type { Logger } from '@dialer/platform';
import { analysisCallbackAt, type NormalizedCallEvent } from '@dialer/providers';
import type { ConcurrencyLease } from '@dialer/queue';
import type { Queue } from 'bullmq';
import { recordCallData } from './call-data.repository';
import { findCallAttemptId, markEventApplied, markEventFailed } from './webhook-events.repository';

export interface ApplyDeps {
  ds: DataSource;
  lease: ConcurrencyLease;
  callFinishedQueue: Queue;
  logger: Logger;
}

/**
 * applied: the status moved the call forward (or was stale and is a no-op);
 * pending: no call attempt matches yet (the webhook raced ahead) or applying failed transiently;
 * failed: applying failed for good (recorded in apply_error).
 */
export type ApplyOutcome = 'applied' | 'pending' | 'failed';

export interface StoredCallEvent {
  eventId: string;
  tenantId: string;
  /** The connection the webhook was verified for: the event only ever applies to its attempts. */
  providerConnectionId: string;
  callAttemptId: string | null;
  event: NormalizedCallEvent;
}

/**
 * Applies one stored event to its call attempt with `endAttempt` (packages/calls): forward only; on
 * a terminal status the lead is settled (`settleLead`, packages/domain), the concurrency slot freed
 * and the fold asked for. Those post-steps are idempotent and repaired by the sweeper if they are
 * lost, so their failure does not undo the apply.
 */
export async function applyStoredEvent(deps: ApplyDeps, e: StoredCallEvent): Promise<ApplyOutcome> {
  let attemptId: string | null;
  try {
    attemptId = await findCallAttemptId(deps.ds, e.tenantId, e.providerConnectionId, e.callAttemptId, e.event.providerCallId);
  } catch (err) {
    return settleApplyError(deps, e, err);
  }
  if (!attemptId) return 'pending';
  return applyToAttempt(deps, attemptId, e);
}

export interface ApplyToAttemptOptions {
  /** Mark the event applied here (default); false: the caller marks a whole batch at once. */
  markApplied?: boolean;
  /** False when the caller knows there is nothing to record (no data and no qualification rule). */
  recordData?: boolean;
}

/** applyStoredEvent for an event whose call attempt is known. */
export async function applyToAttempt(deps: ApplyDeps, attemptId: string, e: StoredCallEvent, opts: ApplyToAttemptOptions = {}): Promise<ApplyOutcome> {
  const { ds, logger } = deps;
  try {
    const { status } = e.event;
    if (status === null) {
      // A provider value outside our mapping tables: kept raw in webhook_events, visible in apply_error.
      await recordCallData(ds, e.tenantId, attemptId, e.event);
      logger.warn({ eventId: e.eventId, unmapped: e.event.unmapped }, 'webhook carries a value outside the mapping tables; stored, not applied');
      await markEventFailed(ds, e.eventId, `unmapped provider value: ${e.event.unmapped ?? e.event.rawStatus}`);
      return 'failed';
    }
    if (e.event.unmapped) logger.warn({ eventId: e.eventId, unmapped: e.event.unmapped }, 'unmapped provider value; applied as a failed call');
    const result = await endAttempt(deps, attemptId, callUpdateOf(e.event));
    if (!result.applied && result.reason === 'unknown_attempt') return 'pending';
    if (!result.applied && result.reason === 'other_call') {
      await markEventFailed(ds, e.eventId, OTHER_CALL_ERROR);
      return 'failed';
    }
    const callbackAt = analysisCallbackAt(e.event.analysis);
    if (callbackAt && !result.applied && result.reason === 'not_forward') {
      // The report came after the call had ended: its callback is asked for now.
      const cb = await applyAnalysisCallback(ds, attemptId, callbackAt);
      if (!cb.taken && cb.reason !== 'already_asked') logger.info({ eventId: e.eventId, attemptId, reason: cb.reason }, 'callback asked by the call analysis not taken');
    }
    // Analysis, recording, transcript and the qualification rule: also for a report that arrives
    // after the call already ended (not a forward move, but new data).
    if (opts.recordData !== false) await recordCallData(ds, e.tenantId, attemptId, e.event);
    if (opts.markApplied !== false) await markEventApplied(ds, e.eventId, attemptId);
    return 'applied';
  } catch (err) {
    return settleApplyError(deps, e, err);
  }
}

/** apply_error of an event naming another provider call than the attempt it resolved to. */
export const OTHER_CALL_ERROR = 'the event names another provider call than this call attempt';

/** What a stored event with a mapped status asks of its call attempt (endAttempt's update). */
export function callUpdateOf(event: NormalizedCallEvent): CallUpdate {
  return {
    status: event.status as CallStatus,
    rawStatus: event.rawStatus,
    outcome: event.outcome,
    answeredBy: event.answeredBy,
    durationSeconds: event.durationSeconds,
    providerCallId: event.providerCallId,
    at: event.occurredAt,
    // The AI's post-call analysis may ask for a callback: it overrides the retry (settleLeadWithCallback).
    callbackAt: analysisCallbackAt(event.analysis),
    recordingUrl: event.recordingUrl ?? null,
    analysis: event.analysis ?? null,
  };
}

/** A failed apply: transient errors leave the event pending for the sweeper, others are recorded. */
async function settleApplyError(deps: ApplyDeps, e: StoredCallEvent, err: unknown): Promise<ApplyOutcome> {
  const { ds, logger } = deps;
  if (isTransientError(err)) {
    logger.warn({ err, eventId: e.eventId }, 'applying a webhook event failed; it stays pending for the sweeper');
    return 'pending';
  }
  logger.error({ err, eventId: e.eventId }, 'applying a webhook event failed for good');
  await markEventFailed(ds, e.eventId, (err as Error)?.message ?? String(err)).catch((markErr: unknown) => {
    logger.error({ err: markErr, eventId: e.eventId }, 'could not record apply_error');
  });
  return 'failed';
}

/** Postgres error classes worth retrying: connection, rollback (deadlock, serialization), resources, shutdown. */
const TRANSIENT_PG_CLASSES = ['08', '40', '53', '57', '58'];

export function isTransientError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_PG_CLASSES.includes(code.slice(0, 2)) || code === '55P03';
    return true; // ECONNREFUSED, ETIMEDOUT, …
  }
  // Pool timeouts and dropped connections from pg carry no code.
  const msg = (err as Error)?.message ?? '';
  return /timeout|terminat|connection|ECONN/i.test(msg);
}
