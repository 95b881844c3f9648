import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@dialer/platform';
import { aroundMean, createRandom, pickWeighted, type Random } from './random';
import type { SimMetrics } from './sim-metrics';
import { applySettingsPatch, type SimOutcome, type SimSettings } from './sim-settings';
import { callbackPayloads, type CallbackPayload, type SimFlavor } from './callback-formats';
import { newCallSid } from './twilio-format';

export type TwilioCallStatus =
  | 'queued' | 'initiated' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
export type FinalStatus = 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
export const FINAL_STATUSES: readonly FinalStatus[] = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

/** The StatusCallbackEvent values Twilio accepts for calls. */
export const CALLBACK_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
export type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

/** Simulated seconds from create to `initiated`, and from `initiated` to `ringing`. */
const INITIATE_AFTER_S = 0.5;
const RING_AFTER_S = 1;
/** Retries of one callback after the first try, on network errors, 5xx and 429; backoff in real time. */
const CALLBACK_RETRIES = 5;
const CALLBACK_BACKOFF_MS = 250;
const CALLBACK_TIMEOUT_MS = 10_000;

export interface CreateCallInput {
  /** Whose wire format the call speaks (create, fetch and callbacks); Twilio when absent. */
  flavor?: SimFlavor;
  /** The provider's id for the call; a Twilio call sid when absent. */
  id?: string;
  /** Headers every callback carries (Vapi `server.headers`). */
  callbackHeaders?: Readonly<Record<string, string>>;
  /** Exotel: callbacks as JSON (StatusCallbackContentType) rather than a form; the CustomField echoed back. */
  exotel?: { json: boolean; customField: string | null; firstLeg?: string; flow?: boolean };
  accountSid: string;
  /** The token the call was created with; signs its callbacks. */
  authToken: string;
  to: string;
  from: string;
  statusCallback: string | null;
  events: ReadonlySet<CallbackEvent>;
  timeoutSeconds: number;
  machineDetection: boolean;
  /**
   * What the answered call runs, as the request named it (Twilio `Url`, `ApplicationSid` or "Twiml",
   * Vapi `assistantId`, Exotel flow `Url`; null: none, e.g. an Exotel agent bridge), so a test can
   * see which agent or flow a call used.
   */
  agent?: string | null;
  /** Vapi: the personalization the request carried (assistantOverrides firstMessage and variableValues), so a test can see what was rendered. */
  personalization?: { firstMessage: string | null; variables: Readonly<Record<string, unknown>> };
  /** Vapi: extra structured data the call's post-call analysis reports (set per number through POST /sim/analysis). */
  structuredData?: Readonly<Record<string, unknown>>;
}

export interface CallbackRecord {
  status: string;
  sequenceNumber: number;
  /** When the first try went out (null until then). */
  sentAt: Date | null;
  /** Answer to the last try (null: no answer yet, or a network error). */
  httpStatus: number | null;
  attempts: number;
  /** Extra deliveries of the same callback (duplicateCallbackRate). */
  duplicates: number;
  /** Never sent (dropCallbackRate). */
  dropped: boolean;
  /** Held back and sent after the call's final callback (reorderCallbackRate). */
  reordered: boolean;
}

export interface SimCall extends Readonly<CreateCallInput> {
  readonly sid: string;
  readonly outcome: SimOutcome;
  readonly createdAt: Date;
  readonly callbacks: CallbackRecord[];
  status: TwilioCallStatus;
  startedAt: Date | null;
  answeredAt: Date | null;
  /** When the provider-side call reached its final status. */
  finishedAt: Date | null;
  /** When the call stopped counting as live: just before its final callback was sent (or at finish without a callback). */
  endedAt: Date | null;
  finalStatus: FinalStatus | null;
  answeredBy: string | null;
  durationSeconds: number | null;
  /** Vapi: what the post-call analysis said about the call. */
  success: boolean | null;
  /** Status reads of this call by id through the provider API (GET of the call). */
  lookups: number;
}

interface CallState {
  call: SimCall;
  timeScale: number;
  ringSeconds: number;
  talkSeconds: number;
  timer: NodeJS.Timeout | null;
  chain: Promise<void>;
  nextSequence: number;
  /** Callbacks held back by reordering, sent after the final one. */
  deferred: Array<() => Promise<void>>;
}

interface LiveCount {
  live: number;
  max: number;
}

export interface SimSummary {
  calls: number;
  live: number;
  byFinalStatus: Record<FinalStatus | 'pending', number>;
  answeredByMachine: number;
  maxLive: number;
  maxLiveByFrom: Record<string, number>;
  createsFailed: number;
  createsRejected: number;
  callbacks: { delivered: number; failed: number; dropped: number; reordered: number };
}

export interface CallSimulatorDeps {
  settings: SimSettings;
  seed?: number;
  metrics: SimMetrics;
  logger: Logger;
}

function isAbort(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err as { name?: string })?.name === 'AbortError';
}

/**
 * Runs simulated Twilio calls: their progression, their signed status callbacks (in order per call,
 * retried with backoff) and the record tests read back. All state lives in memory.
 */
export class CallSimulator {
  private settingsValue: SimSettings;
  private random: Random;
  private readonly states = new Map<string, CallState>();
  private records: SimCall[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 512 });
  private live: LiveCount = { live: 0, max: 0 };
  private liveByFrom = new Map<string, LiveCount>();
  private createsFailed = 0;
  private createsRejected = 0;
  private delivered = 0;
  private failedCallbacks = 0;
  private droppedCallbacks = 0;
  private reorderedCallbacks = 0;
  private stopped = false;

  constructor(private readonly deps: CallSimulatorDeps) {
    this.settingsValue = deps.settings;
    this.random = createRandom(deps.seed);
  }

  get settings(): SimSettings {
    return this.settingsValue;
  }

  /** Partial update of the settings (PUT /sim/config); throws AppError 400 when invalid. */
  configure(body: unknown): SimSettings {
    const { settings, seed } = applySettingsPatch(this.settingsValue, body);
    this.settingsValue = settings;
    if (seed !== undefined) this.random = createRandom(seed);
    return settings;
  }

  /** Decides whether this create is refused by fault injection (counted), before the call exists. */
  createFault(): 'fail' | 'reject' | null {
    const { failCreateRate, rejectCreateRate } = this.settingsValue;
    if (rejectCreateRate > 0 && this.random() < rejectCreateRate) {
      this.createsRejected++;
      return 'reject';
    }
    if (failCreateRate > 0 && this.random() < failCreateRate) {
      this.createsFailed++;
      return 'fail';
    }
    return null;
  }

  /** Waits `createDelayMs` (a slow provider) before a create is answered. */
  async createDelay(): Promise<void> {
    const ms = this.settingsValue.createDelayMs;
    if (ms > 0) await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }

  /** Vapi: structured data the next call to a number reports in its analysis (taken once). */
  private readonly analysisFor = new Map<string, Record<string, unknown>>();

  /** The next Vapi call to `to` reports this structured data in its end-of-call analysis (e.g. {callbackAt}). */
  setNextAnalysis(to: string, structuredData: Record<string, unknown>): void {
    this.analysisFor.set(to, structuredData);
  }

  /** Takes the structured data set for the next call to `to`, if any. */
  takeNextAnalysis(to: string): Record<string, unknown> | undefined {
    const v = this.analysisFor.get(to);
    this.analysisFor.delete(to);
    return v;
  }

  create(input: CreateCallInput): SimCall {
    if (this.stopped) throw new Error('the simulator is stopped');
    const s = this.settingsValue;
    let outcome = pickWeighted(this.random, s.outcomes);
    if (outcome === 'machine' && !input.machineDetection) outcome = 'completed';
    const call: SimCall = {
      ...input,
      sid: input.id ?? newCallSid(),
      outcome,
      createdAt: new Date(),
      callbacks: [],
      status: 'queued',
      startedAt: null,
      answeredAt: null,
      finishedAt: null,
      endedAt: null,
      finalStatus: null,
      answeredBy: null,
      durationSeconds: null,
      success: null,
      lookups: 0,
    };
    const state: CallState = {
      call,
      timeScale: s.timeScale,
      ringSeconds: aroundMean(this.random, s.ringSeconds),
      talkSeconds: aroundMean(this.random, s.talkSeconds),
      timer: null,
      chain: Promise.resolve(),
      nextSequence: 0,
      deferred: [],
    };
    this.states.set(call.sid, state);
    this.records.push(call);
    this.countLive(call.from, +1);
    this.deps.metrics.callsCreated.inc();
    this.deps.logger.debug({ callSid: call.sid, outcome }, 'call created');
    this.after(state, INITIATE_AFTER_S, () => (outcome === 'failed' ? this.finish(state, 'failed') : this.initiate(state)));
    return call;
  }

  get(sid: string): SimCall | undefined {
    return this.states.get(sid)?.call;
  }

  /** Counts a status read of one call by id (the GET routes of each wire format). */
  countLookup(call: SimCall): void {
    call.lookups++;
    this.deps.metrics.callLookups.inc({ kind: 'fetch' });
  }

  /** Counts a read of the calls list (Twilio's GET Calls.json, as the reconciler searches calls by number). */
  countListLookup(): void {
    this.deps.metrics.callLookups.inc({ kind: 'list' });
  }

  /**
   * Twilio's call update with Status: `completed` hangs up a call in any state, `canceled` only one not
   * yet answered. A call not yet answered ends as `canceled`; an answered one as `completed`.
   */
  hangup(sid: string, requested: 'completed' | 'canceled'): SimCall | undefined {
    const state = this.states.get(sid);
    if (!state) return undefined;
    const { call } = state;
    if (call.finalStatus || this.stopped) return call;
    if (call.status === 'in-progress') {
      if (requested === 'completed') {
        const elapsedMs = Date.now() - (call.answeredAt?.getTime() ?? Date.now());
        const seconds = state.timeScale > 0 ? elapsedMs / 1000 / state.timeScale : state.talkSeconds;
        this.finish(state, 'completed', Math.round(seconds));
      }
    } else {
      this.finish(state, 'canceled');
    }
    return call;
  }

  /** Every call since the last reset, in creation order. */
  list(): readonly SimCall[] {
    return this.records;
  }

  summary(): SimSummary {
    const byFinalStatus: SimSummary['byFinalStatus'] = { completed: 0, busy: 0, 'no-answer': 0, failed: 0, canceled: 0, pending: 0 };
    let answeredByMachine = 0;
    for (const call of this.records) {
      byFinalStatus[call.endedAt && call.finalStatus ? call.finalStatus : 'pending']++;
      if (call.answeredBy?.startsWith('machine')) answeredByMachine++;
    }
    const maxLiveByFrom: Record<string, number> = {};
    for (const [from, c] of this.liveByFrom) maxLiveByFrom[from] = c.max;
    return {
      calls: this.records.length,
      live: this.live.live,
      byFinalStatus,
      answeredByMachine,
      maxLive: this.live.max,
      maxLiveByFrom,
      createsFailed: this.createsFailed,
      createsRejected: this.createsRejected,
      callbacks: { delivered: this.delivered, failed: this.failedCallbacks, dropped: this.droppedCallbacks, reordered: this.reorderedCallbacks },
    };
  }

  /**
   * Forgets the record and counters. Calls still running keep running (their receivers still get their
   * final callbacks) but are left out of the new record; the live maxima restart from the current live counts.
   */
  reset(): void {
    this.records = [];
    for (const [sid, state] of this.states) if (state.call.endedAt) this.states.delete(sid);
    this.live = { live: this.live.live, max: this.live.live };
    for (const [from, c] of this.liveByFrom) {
      if (c.live === 0) this.liveByFrom.delete(from);
      else c.max = c.live;
    }
    this.createsFailed = 0;
    this.createsRejected = 0;
    this.delivered = 0;
    this.failedCallbacks = 0;
    this.droppedCallbacks = 0;
    this.reorderedCallbacks = 0;
  }

  /** Cancels every timer and in-flight callback and waits for them to unwind. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const state of this.states.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
    }
    this.abort.abort();
    await Promise.allSettled([...this.pending]);
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  // --- progression ---------------------------------------------------------------------------

  private after(state: CallState, simSeconds: number, step: () => void): void {
    const ms = Math.max(0, simSeconds * 1000 * state.timeScale);
    state.timer = setTimeout(() => {
      state.timer = null;
      if (!this.stopped) step();
    }, ms);
  }

  private initiate(state: CallState): void {
    const { call } = state;
    call.status = 'initiated';
    call.startedAt = new Date();
    this.emit(state, 'initiated', 'initiated');
    this.after(state, RING_AFTER_S, () => this.ring(state));
  }

  private ring(state: CallState): void {
    const { call } = state;
    call.status = 'ringing';
    this.emit(state, 'ringing', 'ringing');
    switch (call.outcome) {
      case 'completed':
      case 'machine':
        this.after(state, state.ringSeconds, () => this.answer(state));
        break;
      case 'busy':
        this.after(state, state.ringSeconds / 2, () => this.finish(state, 'busy'));
        break;
      case 'no-answer':
        this.after(state, Math.min(call.timeoutSeconds, state.ringSeconds * 2), () => this.finish(state, 'no-answer'));
        break;
      case 'canceled':
        this.after(state, state.ringSeconds / 2, () => this.finish(state, 'canceled'));
        break;
      case 'failed':
        this.finish(state, 'failed');
        break;
    }
  }

  private answer(state: CallState): void {
    const { call } = state;
    call.status = 'in-progress';
    call.answeredAt = new Date();
    if (call.machineDetection) call.answeredBy = call.outcome === 'machine' ? 'machine_start' : 'human';
    if (call.flavor === 'vapi') call.success = call.outcome === 'completed' && this.random() < this.settingsValue.successRate;
    this.emit(state, 'answered', 'in-progress');
    this.after(state, state.talkSeconds, () => this.finish(state, 'completed', Math.round(state.talkSeconds)));
  }

  private finish(state: CallState, status: FinalStatus, talkedSeconds?: number): void {
    const { call } = state;
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    call.status = status;
    call.finalStatus = status;
    call.finishedAt = new Date();
    call.durationSeconds = call.answeredAt ? Math.max(0, talkedSeconds ?? 0) : 0;
    // The final callback is always sent, whatever events were subscribed.
    if (call.statusCallback) this.enqueueCallback(state, status, true);
    else this.markEnded(call);
  }

  private markEnded(call: SimCall): void {
    if (call.endedAt) return;
    call.endedAt = new Date();
    this.countLive(call.from, -1);
  }

  private countLive(from: string, delta: 1 | -1): void {
    this.live.live += delta;
    this.live.max = Math.max(this.live.max, this.live.live);
    let perFrom = this.liveByFrom.get(from);
    if (!perFrom) {
      perFrom = { live: 0, max: 0 };
      this.liveByFrom.set(from, perFrom);
    }
    perFrom.live += delta;
    perFrom.max = Math.max(perFrom.max, perFrom.live);
    this.deps.metrics.liveCalls.set(this.live.live);
  }

  // --- callbacks -----------------------------------------------------------------------------

  private emit(state: CallState, event: CallbackEvent, callStatus: TwilioCallStatus): void {
    if (state.call.statusCallback && state.call.events.has(event)) this.enqueueCallback(state, callStatus, false);
  }

  private enqueueCallback(state: CallState, status: TwilioCallStatus, final: boolean): void {
    const { call } = state;
    const payloads = callbackPayloads(call, status, final, () => state.nextSequence++);
    if (payloads.length === 0) {
      if (final) this.markEnded(call);
      return;
    }
    const s = this.settingsValue;
    for (const [i, payload] of payloads.entries()) {
      const last = final && i === payloads.length - 1;
      const record: CallbackRecord = {
        status: payload.label, sequenceNumber: payload.sequenceNumber, sentAt: null, httpStatus: null, attempts: 0,
        duplicates: 0, dropped: false, reordered: false,
      };
      call.callbacks.push(record);
      if (s.dropCallbackRate > 0 && this.random() < s.dropCallbackRate) {
        record.dropped = true;
        this.droppedCallbacks++;
        if (last) this.markEnded(call);
        continue;
      }
      const send = () => this.deliver(call, record, payload, last);
      if (!final && s.reorderCallbackRate > 0 && this.random() < s.reorderCallbackRate) {
        // Held back: sent after the call's final callback, the way a late "ringing" arrives.
        record.reordered = true;
        this.reorderedCallbacks++;
        state.deferred.push(send);
        continue;
      }
      this.chain(state, send);
    }
    if (final) for (const send of state.deferred.splice(0)) this.chain(state, send);
  }

  private chain(state: CallState, send: () => Promise<void>): void {
    const next = state.chain.then(send);
    state.chain = next;
    this.pending.add(next);
    void next.finally(() => this.pending.delete(next));
  }

  /** Sends one callback; never rejects. Retries network errors, 5xx and 429 with backoff. */
  private async deliver(call: SimCall, record: CallbackRecord, payload: CallbackPayload, final: boolean): Promise<void> {
    const { signal } = this.abort;
    const url = call.statusCallback as string;
    try {
      if (signal.aborted) return;
      const delay = this.settingsValue.callbackDelayMs;
      if (delay > 0) await sleep(delay, undefined, { signal });
      // The receiver frees a slot only when it gets this callback: stop counting the call just before.
      if (final) this.markEnded(call);
      const { body, headers } = payload;
      for (let attempt = 1; attempt <= 1 + CALLBACK_RETRIES; attempt++) {
        if (attempt > 1) await sleep(CALLBACK_BACKOFF_MS * 2 ** (attempt - 2), undefined, { signal });
        record.attempts = attempt;
        record.sentAt ??= new Date();
        const status = await this.post(url, body, headers, signal);
        record.httpStatus = status;
        if (status !== null && status >= 200 && status < 300) {
          this.delivered++;
          this.deps.metrics.callbacksSent.inc({ status: record.status });
          if (this.settingsValue.duplicateCallbackRate > 0 && this.random() < this.settingsValue.duplicateCallbackRate) {
            record.duplicates++;
            await this.post(url, body, headers, signal);
          }
          return;
        }
        if (status !== null && status < 500 && status !== 429) break;
      }
      this.failedCallbacks++;
      this.deps.metrics.callbackFailures.inc();
      this.deps.logger.warn(
        { callSid: call.sid, callStatus: record.status, httpStatus: record.httpStatus, attempts: record.attempts },
        'status callback given up',
      );
    } catch (err) {
      if (isAbort(err, signal)) return;
      this.deps.logger.error({ err, callSid: call.sid }, 'status callback failed unexpectedly');
    }
  }

  /**
   * One POST; the HTTP status, or null on a network error. Rethrows when the simulator is stopping.
   * Node's http client with keep-alive agents: the simulator sends several callbacks per call, and a
   * cheap sender keeps it from taking the CPU the system under test needs.
   */
  private post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<number | null> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const req = (secure ? https : http).request(target, {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        agent: secure ? this.httpsAgent : this.httpAgent,
        timeout: CALLBACK_TIMEOUT_MS,
        signal,
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? null));
        res.on('error', () => resolve(null));
      });
      req.on('timeout', () => req.destroy(new Error('callback timed out')));
      req.on('error', (err) => (signal.aborted ? reject(err) : resolve(null)));
      req.end(body);
    });
  }
}
