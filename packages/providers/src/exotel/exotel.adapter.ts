import { safeEqual } from '@dialer/platform';
import { isTerminalCallStatus } from '@dialer/domain';
import {
  ProviderError, type CallSnapshot, type IncomingWebhook, type NormalizedCallEvent, type PlaceCallRequest,
  type PlacedCall, type ProviderAdapter,
} from '../adapter';
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
}

/** CustomField carries our attempt id back in the StatusCallback (and the variables, when they fit). */
const CUSTOM_FIELD_MAX = 1000;

export function exotelCustomField(callAttemptId: string, variables: Record<string, string> | undefined, script?: string): string {
  const full = JSON.stringify({ callAttemptId, variables: variables ?? {}, ...(script ? { script } : {}) });
  return full.length <= CUSTOM_FIELD_MAX ? full : JSON.stringify({ callAttemptId });
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
    if (this.creds.flowUrl) {
      form.append('From', req.to);
      form.append('Url', this.creds.flowUrl);
    } else if (this.creds.agentNumber) {
      form.append('From', this.creds.agentNumber);
      form.append('To', req.to);
    } else {
      throw new ProviderError('rejected', 'the Exotel connection has neither flowUrl nor agentNumber');
    }
    form.append('CallerId', this.creds.callerId);
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
    const call = res.data?.Call ?? {};
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
