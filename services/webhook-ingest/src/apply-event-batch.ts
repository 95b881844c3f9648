import { endAttempts, type ApplyResult } from '@dialer/calls';
import { lockAttemptsById } from '@dialer/db';
import { attemptTransition, isTerminalCallStatus, type CallStatus } from '@dialer/domain';
import { applyToAttempt, callUpdateOf, isTransientError, OTHER_CALL_ERROR, type ApplyDeps, type ApplyOutcome, type StoredCallEvent } from './apply-call-event';
import { recordCallData } from './call-data.repository';
import { writeProgress, type ProgressUpdate } from './call-progress.repository';
import { markEventFailed, markEventsApplied, resolveCallAttempts, type ResolvedAttempt } from './webhook-events.repository';

/** Calls whose remaining events are applied at once, one event at a time each (step 4 of applyEventBatch). */
export const DEFAULT_TERMINAL_LANES = 8;

interface CallEvents {
  attempt: ResolvedAttempt;
  /** Positions in the batch, in arrival order. */
  events: number[];
  /** An event ended in step 3 whose call data the campaign's qualification rule still wants recorded (step 4, first). */
  recordData?: number;
}


function hasData(e: StoredCallEvent): boolean {
  return !!(e.event.analysis || e.event.recordingUrl || e.event.transcript);
}

/** A terminal status and nothing else (no data, no value outside the mapping tables): step 3 ends it with others. */
function isPlainEnd(e: StoredCallEvent): boolean {
  return e.event.status !== null && isTerminalCallStatus(e.event.status) && !hasData(e) && !e.event.unmapped;
}

/**
 * Applies a batch of stored events (arrival order) with the same effect as applyStoredEvent on each
 * in turn, in far fewer statements:
 * 1. one query finds every event's call attempt (events whose attempt is unknown stay pending);
 * 2. per call, the leading run of plain progress events (ringing, in-progress, …; no data) is
 *    folded forward-only into one target status, and all of them are written — attempts locked in
 *    id order, one UPDATE for every call, the events marked applied — in one transaction;
 * 3. every call whose next event is a plain terminal status (the common end of a call) is ended in
 *    one transaction with the others (endAttempts: attempts and leads locked in id order, each lead
 *    settled, one statement per table), their slots freed and folds asked for together;
 * 4. the rest of each call's events (post-call data, an unmapped value, anything after those) go
 *    through applyToAttempt one by one in order, different calls in parallel.
 * All applied events are marked applied together. Returns each event's outcome by position.
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
  const lanes4 = await endPlainEnds(deps, batch, rest, outcomes, applied);
  const worker = async (): Promise<void> => {
    for (let c = lanes4.shift(); c; c = lanes4.shift()) {
      if (c.recordData !== undefined) {
        const ended = batch[c.recordData] as StoredCallEvent;
        try {
          await recordCallData(deps.ds, ended.tenantId, c.attempt.id, ended.event);
          applied.push({ eventId: ended.eventId, callAttemptId: c.attempt.id });
        } catch (err) {
          // The call is ended; its qualification is not recorded yet. The event stays pending: the
          // sweeper applies it again (a no-op for the end) and records it then, or records the failure.
          deps.logger.warn({ err, eventId: ended.eventId }, 'recording an ended call\'s data failed; the sweeper will repeat it');
          outcomes[c.recordData] = 'pending';
          continue;
        }
      }
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
 * Step 3 of applyEventBatch: ends every call whose next event is a plain terminal status in one
 * endAttempts, records those events' outcomes, and answers the work left for step 4 (each call's
 * later events, and the ended event's data where the campaign's rule wants it). When the
 * transaction fails, every call goes to step 4 whole, where each event is applied and its failure
 * kept on its own, as before.
 */
async function endPlainEnds(
  deps: ApplyDeps, batch: StoredCallEvent[], rest: CallEvents[], outcomes: ApplyOutcome[], applied: Array<{ eventId: string; callAttemptId: string }>,
): Promise<CallEvents[]> {
  const ends = rest.filter((c) => isPlainEnd(batch[c.events[0] as number] as StoredCallEvent));
  if (ends.length === 0) return rest;
  let results: ApplyResult[];
  try {
    results = await endAttempts(deps, ends.map((c) => ({ callAttemptId: c.attempt.id, update: callUpdateOf((batch[c.events[0] as number] as StoredCallEvent).event) })));
  } catch (err) {
    deps.logger.warn({ err, calls: ends.length }, 'ending calls together failed; applying their events one by one');
    return rest;
  }
  const after = new Map<CallEvents, CallEvents | null>();
  for (const [k, c] of ends.entries()) {
    const r = results[k] as ApplyResult;
    const i = c.events[0] as number;
    const e = batch[i] as StoredCallEvent;
    if (!r.applied && r.reason === 'unknown_attempt') {
      after.set(c, null); // deleted meanwhile (or not visible yet): pending, with everything after it
      continue;
    }
    if (!r.applied && r.reason === 'other_call') {
      outcomes[i] = await markEventFailed(deps.ds, e.eventId, OTHER_CALL_ERROR)
        .then(() => 'failed' as const, () => 'pending' as const);
      after.set(c, outcomes[i] === 'pending' ? null : { attempt: c.attempt, events: c.events.slice(1) });
      continue;
    }
    outcomes[i] = 'applied';
    if (!c.attempt.hasRule) applied.push({ eventId: e.eventId, callAttemptId: c.attempt.id }); // else once its data is recorded
    after.set(c, { attempt: c.attempt, events: c.events.slice(1), ...(c.attempt.hasRule ? { recordData: i } : {}) });
  }
  return rest.flatMap((c) => {
    if (!after.has(c)) return [c];
    const next = after.get(c);
    return next && (next.events.length > 0 || next.recordData !== undefined) ? [next] : [];
  });
}

/**
 * Step 2 of applyEventBatch: moves each call forward through its progress events (attemptTransition,
 * as applyCallUpdate would one by one) and marks those events applied, in one transaction.
 */
async function applyProgress(deps: ApplyDeps, batch: StoredCallEvent[], progress: Array<{ attemptId: string; events: number[] }>): Promise<void> {
  await deps.ds.transaction(async (m) => {
    const ids = progress.map((p) => p.attemptId);
    const rows = await lockAttemptsById(m, ids);
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
