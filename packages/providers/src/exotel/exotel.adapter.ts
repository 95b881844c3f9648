import { safeEqual } from '@dialer/platform';
import { isTerminalCallStatus } from '@dialer/domain';
import {
  ProviderError, type CallSnapshot, type IncomingWebhook, type ListedCall, type NormalizedCallEvent, type PlaceCallRequest,
  type PlacedCall, type ProviderAdapter,
} from '../adapter';
import { exotelFlowUrl } from '../campaign-overrides';
import { ProviderHttp } from '../http/provider-http';
import { seconds, uuidOrNull, webhookUrl } from '../webhook-util';
import { EXOTEL_STATUS, exotelOutcome } from './exotel-status';

export const EXOTEL_API = 'https://api.exotel.com';

export interface ExotelCredentials {
  accountSid: string;
  apiKey: string;
  apiToken: string;
  /** The ExoPhone shown to the callee (`CallerId`). */
  callerId: string;
  /** A flow (app) URL to connect the callee to; when absent, `agentNumber` is called first and bridged. */
  flowUrl?: string;
  agentNumber?: string;
  /** Secret in the StatusCallback URL path: Exotel signs nothing. */
  webhookToken: string;
  /** `trans` for transactional calls. */
  callType?: string;
  record?: boolean;
  timeLimitSeconds?: number;
  baseUrl?: string;
  requestTimeoutMs?: number;
}

interface ExotelCall {
  Sid?: string;
  Status?: string;
  Duration?: string | number | null;
  AnsweredBy?: string | null;
  DateCreated?: string | null;
  To?: string | null;
  From?: string | null;
  Direction?: string | null;
}

/** Bulk Call Details (`GET Calls.json`): one page of calls and the cursor to the next. */
interface ExotelCallPage {
  Metadata?: { NextPageUri?: string | null } | null;
  Calls?: ExotelCall[];
}

/**
 * Exotel's times ("2017-03-03 10:48:33") carry no zone; we read them as India Standard Time (UTC+05:30,
 * no DST), the zone of Exotel's platform and its examples. Where the reading matters it is made safe:
 * the list is asked for a window wide enough for any zone (EXOTEL_ZONE_SLACK_MS either side).
 */
export const EXOTEL_UTC_OFFSET_MS = 330 * 60_000;
/** Any zone a clock can be in lies within 14 hours of UTC. */
const EXOTEL_ZONE_SLACK_MS = 14 * 3_600_000;
/** Our clock against Exotel's (the attempt is written before the call is created). */
const EXOTEL_SKEW_MS = 60_000;
/**
 * "Bulk Call Details will not provide ongoing calls' details": a call shows in the list only once it
 * ended, and a call ends at the latest after ringing and its TimeLimit (at most 14,400 s). Until then an
 * empty list proves nothing: 4 h plus 10 minutes for the ring and Exotel's asynchronous update.
 */
export const EXOTEL_LIST_MISSES_LIVE_CALLS_MS = (14_400 + 600) * 1000;
/**
 * The attempt row is written just before the call is requested, and a create is never retried once it
 * may have reached Exotel: a call created later than this after the attempt is another attempt's.
 */
const EXOTEL_CREATE_WINDOW_MS = 10 * 60_000;
/** Pages of 100 read per lookup at most (the calls to one number within a day). */
const EXOTEL_MAX_PAGES = 5;

/** "YYYY-MM-DD HH:mm:ss" in Exotel's zone. */
export function exotelWallTime(d: Date): string {
  return new Date(d.getTime() + EXOTEL_UTC_OFFSET_MS).toISOString().replace('T', ' ').slice(0, 19);
}

/** An Exotel wall time read in Exotel's zone; null when it is not one. */
export function parseExotelTime(v: unknown): Date | null {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v)) return null;
  const t = Date.parse(`${v.replace(' ', 'T')}Z`);
  return Number.isFinite(t) ? new Date(t - EXOTEL_UTC_OFFSET_MS) : null;
}

/**
 * The same subscriber: Exotel may show a number in national form ("09812345679") where we sent E.164
 * ("+919812345679"). Digits compared without leading zeros; a national form must be the E.164 number's tail.
 */
export function sameExotelNumber(listed: unknown, e164: string): boolean {
  if (typeof listed !== 'string') return false;
  const a = listed.replace(/\D/g, '').replace(/^0+/, '');
  const b = e164.replace(/\D/g, '').replace(/^0+/, '');
  if (!a || !b) return false;
  return a === b || (a.length >= 8 && b.endsWith(a));
}

/** CustomField carries our attempt id back in the StatusCallback (and the variables, when they fit). */
const CUSTOM_FIELD_MAX = 1000;

export function exotelCustomField(callAttemptId: string, variables: Record<string, string> | undefined, script?: string): string {
  const full = JSON.stringify({ callAttemptId, variables: variables ?? {}, ...(script ? { script } : {}) });
  return full.length <= CUSTOM_FIELD_MAX ? full : JSON.stringify({ callAttemptId });
}

/** The path of Exotel's next page (`NextPageUri` is `/v1/Accounts/<sid>/Calls.json?…After=…`), relative to our base. */
function nextPage(uri: unknown): string | null {
  if (typeof uri !== 'string' || uri === '') return null;
  const at = uri.indexOf('/Calls');
  return at < 0 ? null : uri.slice(at);
}

function legsOf(v: unknown): Array<Record<string, unknown>> {
  let legs = v;
  if (typeof legs === 'string') {
    try {
      legs = JSON.parse(legs);
    } catch {
      return [];
    }
  }
  return Array.isArray(legs) ? legs.filter((l): l is Record<string, unknown> => l !== null && typeof l === 'object') : [];
}

/**
 * Exotel Voice v1: `Calls/connect` (form, HTTP basic auth with API key and token) and its
 * StatusCallback (`terminal` and `answered` events, JSON).
 * https://developer.exotel.com/api/make-a-call-api, https://developer.exotel.com/api/statuscallback
 */
export class ExotelAdapter implements ProviderAdapter {
  readonly type = 'exotel' as const;
  private readonly http: ProviderHttp;

  constructor(private readonly creds: ExotelCredentials) {
    this.http = new ProviderHttp({
      provider: 'Exotel',
      baseURL: `${(creds.baseUrl ?? EXOTEL_API).replace(/\/$/, '')}/v1/Accounts/${encodeURIComponent(creds.accountSid)}`,
      auth: { username: creds.apiKey, password: creds.apiToken },
      timeoutMs: creds.requestTimeoutMs,
    });
  }

  statusCallbackUrl(base: string, connectionId: string, callAttemptId: string): string {
    return webhookUrl(base, 'exotel', connectionId, callAttemptId, this.creds.webhookToken);
  }

  async placeCall(req: PlaceCallRequest): Promise<PlacedCall> {
    const form = new URLSearchParams();
    const flow = req.agent ? exotelFlowUrl(this.creds.accountSid, req.agent) : this.creds.flowUrl;
    if (flow) {
      form.append('From', req.to);
      form.append('Url', flow);
    } else if (this.creds.agentNumber) {
      form.append('From', this.creds.agentNumber);
      form.append('To', req.to);
    } else {
      throw new ProviderError('rejected', 'the Exotel connection has neither flowUrl nor agentNumber');
    }
    form.append('CallerId', req.callerId ?? this.creds.callerId);
    if (this.creds.callType) form.append('CallType', this.creds.callType);
    const limit = req.timeLimitSeconds ?? this.creds.timeLimitSeconds;
    if (limit) form.append('TimeLimit', String(limit));
    form.append('TimeOut', String(req.timeoutSeconds ?? 30));
    if (this.creds.record) form.append('Record', 'true');
    form.append('StatusCallback', req.statusCallbackUrl);
    form.append('StatusCallbackEvents[0]', 'terminal');
    form.append('StatusCallbackEvents[1]', 'answered');
    form.append('StatusCallbackContentType', 'application/json');
    form.append('CustomField', exotelCustomField(req.callAttemptId, req.variables, req.script));
    const res = await this.http.send<{ Call?: ExotelCall }>({
      method: 'POST', url: '/Calls/connect.json', data: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }, true);
    const call = res.data?.Call;
    if (!call?.Sid) throw new ProviderError('ambiguous', 'Exotel answered without a call Sid', res.status);
    return { providerCallId: call.Sid, rawStatus: call.Status ?? 'queued' };
  }

  /** Exotel's v1 API has no call hang-up; a call ends by its TimeLimit. */
  hangup(): Promise<void> {
    return Promise.reject(new ProviderError('rejected', 'Exotel has no API to end a call; it ends at its TimeLimit'));
  }

  async fetchCall(providerCallId: string): Promise<CallSnapshot> {
    const res = await this.http.send<{ Call?: ExotelCall }>({ method: 'GET', url: `/Calls/${encodeURIComponent(providerCallId)}.json` }, false);
    return this.snapshotOf(res.data?.Call ?? {}, providerCallId);
  }

  /**
   * The calls to `to` created at or after `since`, oldest first, from Bulk Call Details
   * (`GET Calls.json?To=…&DateCreated=gte:…;lte:…`, https://developer.exotel.com/api/call-details-bulk).
   * Where the documentation leaves things open, the reading that cannot lose our call is taken:
   * - the callee's field: `To` in agent mode (documented: "your customer's phone number"); in flow mode
   *   we send the callee as `From`, and which field the list shows it in is not documented, so both
   *   `From` and `To` are asked and the answers joined;
   * - the zone of DateCreated: the window asked is widened by 14 h either side (right whatever the zone),
   *   and the calls kept are read in IST (EXOTEL_UTC_OFFSET_MS);
   * - ongoing calls are not listed (documented): see listMissesLiveCallsForMs.
   */
  async findCallsTo(to: string, since: Date): Promise<ListedCall[]> {
    const fields = this.creds.flowUrl ? (['From', 'To'] as const) : (['To'] as const);
    const byId = new Map<string, ExotelCall>();
    for (const field of fields) {
      for (const call of await this.listCalls(field, to, since)) {
        if (typeof call.Sid === 'string' && call.Sid !== '' && sameExotelNumber(call[field], to)) byId.set(call.Sid, call);
      }
    }
    const calls: ListedCall[] = [];
    for (const call of byId.values()) {
      const createdAt = parseExotelTime(call.DateCreated);
      if (!createdAt || createdAt.getTime() < since.getTime() - EXOTEL_SKEW_MS) continue;
      if (createdAt.getTime() > since.getTime() + EXOTEL_CREATE_WINDOW_MS) continue;
      if (call.Direction && call.Direction !== 'outbound-api') continue;
      calls.push({ ...this.snapshotOf(call, call.Sid as string), createdAt });
    }
    return calls.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** Exotel lists a call only once it ended: an empty list proves nothing about a younger call. */
  readonly listMissesLiveCallsForMs = EXOTEL_LIST_MISSES_LIVE_CALLS_MS;

  private async listCalls(field: 'To' | 'From', number: string, since: Date): Promise<ExotelCall[]> {
    const from = exotelWallTime(new Date(since.getTime() - EXOTEL_SKEW_MS - EXOTEL_ZONE_SLACK_MS));
    const until = exotelWallTime(new Date(since.getTime() + EXOTEL_CREATE_WINDOW_MS + EXOTEL_ZONE_SLACK_MS));
    const query = new URLSearchParams({
      [field]: number, DateCreated: `gte:${from};lte:${until}`, SortBy: 'DateCreated:asc', PageSize: '100',
    });
    const calls: ExotelCall[] = [];
    let url: string | null = `/Calls.json?${query.toString()}`;
    for (let page = 0; url && page < EXOTEL_MAX_PAGES; page++) {
      const res: { data?: ExotelCallPage } = await this.http.send<ExotelCallPage>({ method: 'GET', url }, false);
      calls.push(...(Array.isArray(res.data?.Calls) ? res.data.Calls : []));
      url = nextPage(res.data?.Metadata?.NextPageUri);
    }
    return calls;
  }

  private snapshotOf(call: ExotelCall, providerCallId: string): CallSnapshot {
    const raw = call.Status ?? 'queued';
    const status = EXOTEL_STATUS[raw] ?? 'failed';
    const answeredBy = typeof call.AnsweredBy === 'string' && call.AnsweredBy !== '' && call.AnsweredBy !== 'NA' ? call.AnsweredBy : null;
    return {
      providerCallId: call.Sid ?? providerCallId,
      status,
      rawStatus: raw,
      outcome: isTerminalCallStatus(status) ? exotelOutcome(status, [answeredBy]) : null,
      answeredBy,
      durationSeconds: seconds(call.Duration),
    };
  }

  verifyWebhook(hook: IncomingWebhook): boolean {
    const token = hook.params?.token;
    return !!token && !!this.creds.webhookToken && safeEqual(token, this.creds.webhookToken);
  }

  parseWebhook(hook: IncomingWebhook): NormalizedCallEvent {
    const b = hook.body;
    const callSid = typeof b.CallSid === 'string' ? b.CallSid : '';
    const raw = typeof b.Status === 'string' ? b.Status : '';
    if (!callSid || !raw) throw new ProviderError('rejected', 'Exotel StatusCallback lacks CallSid or Status');
    const eventType = typeof b.EventType === 'string' ? b.EventType.toLowerCase() : 'terminal';
    const legs = legsOf(b.Legs);
    let custom: Record<string, unknown> = {};
    if (typeof b.CustomField === 'string' && b.CustomField.startsWith('{')) {
      try {
        custom = JSON.parse(b.CustomField) as Record<string, unknown>;
      } catch {
        custom = {};
      }
    }
    const answered = eventType === 'answered';
    const status = answered ? 'in_progress' : EXOTEL_STATUS[raw] ?? null;
    const terminal = status !== null && isTerminalCallStatus(status);
    const answeredBy = legs.map((l) => (typeof l.AnsweredBy === 'string' && l.AnsweredBy !== 'NA' ? l.AnsweredBy : null));
    return {
      eventKey: `${callSid}:${answered ? 'answered' : raw}`,
      providerCallId: callSid,
      status,
      rawStatus: answered ? 'answered' : raw,
      outcome: terminal && status ? exotelOutcome(status, answeredBy) : null,
      answeredBy: answeredBy.find((a) => a !== null) ?? null,
      durationSeconds: seconds(b.ConversationDuration),
      // DateUpdated is local time without a zone: arrival time is the safer clock.
      occurredAt: new Date(),
      callAttemptId: uuidOrNull(custom.callAttemptId),
      recordingUrl: typeof b.RecordingUrl === 'string' && b.RecordingUrl !== '' ? b.RecordingUrl : null,
      unmapped: status === null ? `Status=${raw}` : null,
    };
  }
}
