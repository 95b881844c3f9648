import { isTerminalCallStatus } from '@dialer/domain';
import type {
  CallSnapshot, IncomingWebhook, ListedCall, NormalizedCallEvent, PlaceCallRequest, PlacedCall, ProviderAdapter,
} from '../adapter';
import { ProviderError } from '../adapter';
import { TWILIO_APP_SID } from '../campaign-overrides';
import { ProviderHttp } from '../http/provider-http';
import { dateOr, headerOf, seconds, webhookUrl } from '../webhook-util';
import { verifyTwilioSignature } from './twilio-signature';
import { TWILIO_STATUS, twilioOutcome } from './twilio-status';

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  /** Several caller ids: calls rotate through them (round robin); `fromNumber` when absent. */
  fromNumbers?: string[];
  /** API base URL; https://api.twilio.com unless pointed at provider-sim. */
  baseUrl?: string;
  /** TwiML URL the call fetches when answered; without it the rendered script is spoken with <Say>. */
  twimlUrl?: string;
  /** Answering machine detection: `Enable` or `DetectMessageEnd`; off when absent. */
  machineDetection?: 'Enable' | 'DetectMessageEnd';
  /** Record the call (`Record=true`). */
  record?: boolean;
  /** Default `TimeLimit` (seconds) when the request names none. */
  timeLimitSeconds?: number;
  requestTimeoutMs?: number;
}

export const TWILIO_API = 'https://api.twilio.com';
const DEFAULT_SCRIPT = 'Hello from the dialer.';

/** Escapes text for an XML text node (the script inside <Say>). */
export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A call resource as Twilio's REST API answers it (the fields we read). */
interface TwilioCallResource {
  sid: string;
  status: string;
  duration?: string | number | null;
  answered_by?: string | null;
  date_created?: string;
}

/** A call resource in our model. */
function snapshot(body: TwilioCallResource): CallSnapshot {
  const status = TWILIO_STATUS[body.status] ?? 'failed';
  const answeredBy = typeof body.answered_by === 'string' && body.answered_by !== '' ? body.answered_by : null;
  return {
    providerCallId: body.sid,
    status,
    rawStatus: body.status,
    // The call resource carries no SIP response or error code: a failed call is `failed`.
    outcome: isTerminalCallStatus(status) ? twilioOutcome(status, answeredBy) : null,
    answeredBy,
    durationSeconds: seconds(body.duration),
  };
}

/**
 * Twilio Programmable Voice: create a call, fetch it, hang it up, and its status callbacks.
 * https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource
 * https://www.twilio.com/docs/voice/api/call-resource#statuscallback
 */
export class TwilioAdapter implements ProviderAdapter {
  readonly type = 'twilio' as const;
  private readonly http: ProviderHttp;
  private nextFrom = 0;

  constructor(private readonly creds: TwilioCredentials) {
    this.http = new ProviderHttp({
      provider: 'Twilio',
      baseURL: `${(creds.baseUrl ?? TWILIO_API).replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(creds.accountSid)}`,
      auth: { username: creds.accountSid, password: creds.authToken },
      timeoutMs: creds.requestTimeoutMs,
    });
  }

  statusCallbackUrl(base: string, connectionId: string, callAttemptId: string): string {
    return webhookUrl(base, 'twilio', connectionId, callAttemptId);
  }

  async placeCall(req: PlaceCallRequest): Promise<PlacedCall> {
    const form = new URLSearchParams();
    form.append('To', req.to);
    form.append('From', req.callerId ?? this.fromNumber());
    if (req.agent && TWILIO_APP_SID.test(req.agent)) form.append('ApplicationSid', req.agent);
    else if (req.agent ?? this.creds.twimlUrl) form.append('Url', (req.agent ?? this.creds.twimlUrl) as string);
    else form.append('Twiml', `<Response><Say>${xmlText(req.script ?? DEFAULT_SCRIPT)}</Say></Response>`);
    form.append('StatusCallback', req.statusCallbackUrl);
    form.append('StatusCallbackMethod', 'POST');
    for (const e of ['initiated', 'ringing', 'answered', 'completed']) form.append('StatusCallbackEvent', e);
    form.append('Timeout', String(req.timeoutSeconds ?? 30));
    const timeLimit = req.timeLimitSeconds ?? this.creds.timeLimitSeconds;
    if (timeLimit) form.append('TimeLimit', String(timeLimit));
    if (this.creds.machineDetection) form.append('MachineDetection', this.creds.machineDetection);
    if (this.creds.record) form.append('Record', 'true');
    const res = await this.http.send<{ sid?: string; status?: string }>({
      method: 'POST', url: '/Calls.json', data: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }, true);
    if (!res.data?.sid) throw new ProviderError('ambiguous', 'Twilio answered without a call sid', res.status);
    return { providerCallId: res.data.sid, rawStatus: res.data.status ?? 'queued' };
  }

  private fromNumber(): string {
    const pool = this.creds.fromNumbers;
    if (!pool?.length) return this.creds.fromNumber;
    const n = pool[this.nextFrom % pool.length] as string;
    this.nextFrom = (this.nextFrom + 1) % pool.length;
    return n;
  }

  async hangup(providerCallId: string): Promise<void> {
    await this.http.send({
      method: 'POST', url: `/Calls/${encodeURIComponent(providerCallId)}.json`,
      data: new URLSearchParams({ Status: 'completed' }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }, false);
  }

  async fetchCall(providerCallId: string): Promise<CallSnapshot> {
    const res = await this.http.send<TwilioCallResource>(
      { method: 'GET', url: `/Calls/${encodeURIComponent(providerCallId)}.json` }, false);
    return snapshot(res.data);
  }

  /**
   * Twilio has no idempotency key, so the call of an attempt whose worker died before Twilio's answer
   * is found in the account's calls to the number since the attempt's day
   * (`GET /Calls.json?To=…&StartTime>=YYYY-MM-DD`), keeping those created at or after the attempt.
   */
  async findCallsTo(to: string, since: Date): Promise<ListedCall[]> {
    const query = new URLSearchParams({ To: to, PageSize: '100' });
    const res = await this.http.send<{ calls?: TwilioCallResource[] }>({
      method: 'GET', url: `/Calls.json?${query.toString()}&StartTime>=${since.toISOString().slice(0, 10)}`,
    }, false);
    const skewMs = 5_000;
    return (res.data?.calls ?? [])
      .map((c) => ({ ...snapshot(c), createdAt: new Date(String(c.date_created)) }))
      .filter((c) => c.createdAt.getTime() >= since.getTime() - skewMs)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  verifyWebhook(hook: IncomingWebhook): boolean {
    return verifyTwilioSignature(this.creds.authToken, hook.url, hook.body, headerOf(hook.headers, 'X-Twilio-Signature'));
  }

  parseWebhook(hook: IncomingWebhook): NormalizedCallEvent {
    const b = hook.body as Record<string, string | undefined>;
    const callSid = b.CallSid;
    const raw = b.CallStatus;
    if (!callSid || !raw) throw new ProviderError('rejected', 'Twilio callback lacks CallSid or CallStatus');
    const status = TWILIO_STATUS[raw] ?? null;
    const answeredBy = b.AnsweredBy ?? null;
    const terminal = status !== null && isTerminalCallStatus(status);
    return {
      // Twilio numbers each callback of a call (SequenceNumber); without it the status identifies it.
      eventKey: `${callSid}:${b.SequenceNumber ?? raw}:${raw}`,
      providerCallId: callSid,
      status,
      rawStatus: raw,
      outcome: terminal && status ? twilioOutcome(status, answeredBy, { sipResponseCode: b.SipResponseCode, errorCode: b.ErrorCode }) : null,
      answeredBy,
      durationSeconds: seconds(b.CallDuration),
      occurredAt: dateOr(b.Timestamp, new Date()),
      recordingUrl: b.RecordingUrl ?? null,
      unmapped: status === null ? `CallStatus=${raw}` : null,
    };
  }
}
