import { attemptTransition, isTerminalCallStatus, type CallStatus } from '@dialer/domain';
import { applyToAttempt, isTransientError, type ApplyDeps, type ApplyOutcome, type StoredCallEvent } from './apply-call-event';
import { lockAttempts, writeProgress, type ProgressUpdate } from './call-progress.repository';
import { markEventsApplied, resolveCallAttempts, type ResolvedAttempt } from './webhook-events.repository';

/** Calls whose terminal events are applied at once (each its own applyCallUpdate transaction). */
export const DEFAULT_TERMINAL_LANES = 8;

interface CallEvents {
  attempt: ResolvedAttempt;
  /** Positions in the batch, in arrival order. */
  events: number[];
}


function hasData(e: StoredCallEvent): boolean {
  return !!(e.event.analysis || e.event.recordingUrl || e.event.transcript);
}

/**
 * Applies a batch of stored events (arrival order) with the same effect as applyStoredEvent on each
 * in turn, in far fewer statements:
 * 1. one query finds every event's call attempt (events whose attempt is unknown stay pending);
 * 2. per call, the leading run of plain progress events (ringing, in-progress, …; no data) is
 *    folded forward-only into one target status, and all of them are written — attempts locked in
 *    id order, one UPDATE for every call, the events marked applied — in one transaction;
 * 3. the rest of each call's events (a terminal status, post-call data, an unmapped value, anything
 *    after those) go through applyToAttempt one by one in order (the lead's settlement, the slot
 *    release and the fold job), different calls in parallel, and are marked applied together.
 * Returns each event's outcome by position.
 */
export async function applyEventBatch(deps: ApplyDeps, batch: StoredCallEvent[], lanes = DEFAULT_TERMINAL_LANES): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = batch.map(() => 'pending');
  let resolved: Array<ResolvedAttempt | null>;
  try {
    resolved = await resolveCallAttempts(deps.ds, batch.map((e) => ({
      tenantId: e.tenantId, providerConnectionId: e.providerConnectionId, callAttemptId: e.callAttemptId, providerCallId: e.event.providerCallId || null,
    })));
  } catch (err) {
    if (!isTransientError(err)) throw err;
    deps.logger.warn({ err, events: batch.length }, 'resolving a batch of webhook events failed; they stay pending for the sweeper');
    return outcomes;
  }

  const calls = new Map<string, CallEvents>();
  batch.forEach((_, i) => {
    const attempt = resolved[i];
    if (!attempt) return;
    const c = calls.get(attempt.id);
    if (c) c.events.push(i);
    else calls.set(attempt.id, { attempt, events: [i] });
  });

  const rest: CallEvents[] = [];
  const progress: Array<{ attemptId: string; events: number[] }> = [];
  for (const c of calls.values()) {
    let n = 0;
    while (n < c.events.length) {
      const e = batch[c.events[n] as number] as StoredCallEvent;
      if (e.event.status === null || isTerminalCallStatus(e.event.status) || hasData(e)) break;
      n++;
    }
    if (n > 0) progress.push({ attemptId: c.attempt.id, events: c.events.slice(0, n) });
    if (n < c.events.length) rest.push({ attempt: c.attempt, events: c.events.slice(n) });
  }

  if (progress.length > 0) {
    try {
      await applyProgress(deps, batch, progress);
      for (const p of progress) for (const i of p.events) outcomes[i] = 'applied';
    } catch (err) {
      if (!isTransientError(err)) throw err;
      deps.logger.warn({ err, events: progress.length }, 'applying progress events failed; they stay pending for the sweeper');
      // The calls' later events must not overtake them: leave those to the sweeper too.
      const blocked = new Set(progress.map((p) => p.attemptId));
      for (let k = rest.length - 1; k >= 0; k--) if (blocked.has((rest[k] as CallEvents).attempt.id)) rest.splice(k, 1);
    }
  }

  const applied: Array<{ eventId: string; callAttemptId: string }> = [];
  const worker = async (): Promise<void> => {
    for (let c = rest.shift(); c; c = rest.shift()) {
      for (const i of c.events) {
        const e = batch[i] as StoredCallEvent;
        const outcome = await applyToAttempt(deps, c.attempt.id, e, { markApplied: false, recordData: c.attempt.hasRule || hasData(e) });
        outcomes[i] = outcome;
        if (outcome === 'applied') applied.push({ eventId: e.eventId, callAttemptId: c.attempt.id });
        // A later event of this call must not overtake one that could not be applied yet.
        if (outcome === 'pending') break;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, worker));
  try {
    await markEventsApplied(deps.ds, applied);
  } catch (err) {
    // Their effect is committed; the sweeper re-applies them (a no-op) and marks them then.
    deps.logger.warn({ err, events: applied.length }, 'marking applied webhook events failed; the sweeper will mark them');
  }
  return outcomes;
}

/**
 * Step 2 of applyEventBatch: moves each call forward through its progress events (attemptTransition,
 * as applyCallUpdate would one by one) and marks those events applied, in one transaction.
 */
async function applyProgress(deps: ApplyDeps, batch: StoredCallEvent[], progress: Array<{ attemptId: string; events: number[] }>): Promise<void> {
  await deps.ds.transaction(async (m) => {
    const ids = progress.map((p) => p.attemptId);
    const rows = await lockAttempts(m, ids);
    const current = new Map(rows.map((r) => [r.id, r.status]));
    const callIds = new Map(rows.map((r) => [r.id, r.provider_call_id]));
    const updates: ProgressUpdate[] = [];
    const marks: Array<{ eventId: string; callAttemptId: string }> = [];
    for (const p of progress) {
      let status = current.get(p.attemptId);
      if (status === undefined) continue; // deleted meanwhile: nothing to move
      let u: ProgressUpdate | undefined;
      let known = callIds.get(p.attemptId) ?? null;
      for (const i of p.events) {
        const e = batch[i] as StoredCallEvent;
        const pcid = e.event.providerCallId || null;
        const next = e.event.status as CallStatus;
        const step = attemptTransition({ status, providerCallId: known }, { status: next, providerCallId: pcid });
        // The attempt learnt another call id since it was resolved: not this call's event (left unapplied).
        if (step.kind === 'ignore' && step.reason === 'other_call') continue;
        known ??= pcid;
        marks.push({ eventId: e.eventId, callAttemptId: p.attemptId });
        if (step.kind === 'ignore') continue; // stale or duplicate: a no-op
        status = next;
        u ??= { id: p.attemptId, status, rawStatus: '', providerCallId: null, answeredAt: null };
        u.status = next;
        u.rawStatus = e.event.rawStatus;
        u.providerCallId ??= e.event.providerCallId || null;
        if (next === 'in_progress') u.answeredAt ??= e.event.occurredAt;
      }
      if (u) updates.push(u);
    }
    await writeProgress(m, updates);
    await markEventsApplied(m, marks);
  });
}
