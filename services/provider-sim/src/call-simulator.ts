import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import axios, { type AxiosInstance } from 'axios';
import type { Logger } from '@dialer/platform';
import { aroundMean, createRandom, pickWeighted, type Random } from './random';
import type { SimMetrics } from './sim-metrics';
import { applySettingsPatch, type SimOutcome, type SimSettings } from './sim-settings';
import { API_VERSION, newCallSid, rfc2822 } from './twilio-format';
import { signTwilioCallback } from './twilio-signature';

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
  accountSid: string;
  /** The token the call was created with; signs its callbacks. */
  authToken: string;
  to: string;
  from: string;
  statusCallback: string | null;
  events: ReadonlySet<CallbackEvent>;
  timeoutSeconds: number;
  machineDetection: boolean;
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
}

interface CallState {
  call: SimCall;
  timeScale: number;
  ringSeconds: number;
  talkSeconds: number;
  timer: NodeJS.Timeout | null;
  chain: Promise<void>;
  nextSequence: number;
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
  callbacks: { delivered: number; failed: number };
}

export interface CallSimulatorDeps {
  settings: SimSettings;
  seed?: number;
  metrics: SimMetrics;
  logger: Logger;
}

function isAbort(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err as { name?: string })?.name === 'AbortError' || axios.isCancel(err);
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
  private readonly http: AxiosInstance;
  private live: LiveCount = { live: 0, max: 0 };
  private liveByFrom = new Map<string, LiveCount>();
  private createsFailed = 0;
  private createsRejected = 0;
  private delivered = 0;
  private failedCallbacks = 0;
  private stopped = false;

  constructor(private readonly deps: CallSimulatorDeps) {
    this.settingsValue = deps.settings;
    this.random = createRandom(deps.seed);
    this.http = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      timeout: CALLBACK_TIMEOUT_MS,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: (d: unknown) => d,
      validateStatus: () => true,
    });
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

  create(input: CreateCallInput): SimCall {
    if (this.stopped) throw new Error('the simulator is stopped');
    const s = this.settingsValue;
    let outcome = pickWeighted(this.random, s.outcomes);
    if (outcome === 'machine' && !input.machineDetection) outcome = 'completed';
    const call: SimCall = {
      ...input,
      sid: newCallSid(),
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
    };
    const state: CallState = {
      call,
      timeScale: s.timeScale,
      ringSeconds: aroundMean(this.random, s.ringSeconds),
      talkSeconds: aroundMean(this.random, s.talkSeconds),
      timer: null,
      chain: Promise.resolve(),
      nextSequence: 0,
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
      callbacks: { delivered: this.delivered, failed: this.failedCallbacks },
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

  /** The body Twilio posts for a call-progress event. */
  private callbackParams(call: SimCall, status: TwilioCallStatus, sequenceNumber: number, final: boolean): Array<[string, string]> {
    const params: Array<[string, string]> = [
      ['AccountSid', call.accountSid],
      ['ApiVersion', API_VERSION],
      ['CallSid', call.sid],
      ['CallStatus', status],
      ['Called', call.to],
      ['Caller', call.from],
      ['Direction', 'outbound-api'],
      ['From', call.from],
      ['To', call.to],
      ['Timestamp', rfc2822(new Date())],
      ['SequenceNumber', String(sequenceNumber)],
      ['CallbackSource', 'call-progress-events'],
    ];
    if (final) {
      const seconds = String(call.durationSeconds ?? 0);
      params.push(['CallDuration', seconds], ['Duration', seconds]);
    }
    if (call.machineDetection && call.answeredBy) params.push(['AnsweredBy', call.answeredBy]);
    return params;
  }

  private enqueueCallback(state: CallState, status: TwilioCallStatus, final: boolean): void {
    const { call } = state;
    const sequenceNumber = state.nextSequence++;
    const params = this.callbackParams(call, status, sequenceNumber, final);
    const record: CallbackRecord = { status, sequenceNumber, sentAt: null, httpStatus: null, attempts: 0, duplicates: 0 };
    call.callbacks.push(record);
    const next = state.chain.then(() => this.deliver(call, record, params, final));
    state.chain = next;
    this.pending.add(next);
    void next.finally(() => this.pending.delete(next));
  }

  /** Sends one callback; never rejects. Retries network errors, 5xx and 429 with backoff. */
  private async deliver(call: SimCall, record: CallbackRecord, params: Array<[string, string]>, final: boolean): Promise<void> {
    const { signal } = this.abort;
    const url = call.statusCallback as string;
    try {
      if (signal.aborted) return;
      const delay = this.settingsValue.callbackDelayMs;
      if (delay > 0) await sleep(delay, undefined, { signal });
      // The receiver frees a slot only when it gets this callback: stop counting the call just before.
      if (final) this.markEnded(call);
      const body = new URLSearchParams(params).toString();
      const headers = {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': signTwilioCallback(call.authToken, url, params),
        'User-Agent': 'TwilioProxy/1.1',
        'I-Twilio-Idempotency-Token': `${call.sid}-${record.sequenceNumber}`,
      };
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

  /** One POST; the HTTP status, or null on a network error. Rethrows when the simulator is stopping. */
  private async post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<number | null> {
    try {
      const res = await this.http.post(url, body, { headers, signal });
      return res.status;
    } catch (err) {
      if (signal.aborted) throw err;
      return null;
    }
  }
}
