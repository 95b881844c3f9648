import { POST_CALL_REPORT_EVENT_SUFFIX, type CallStatus, type Outcome } from '@dialer/domain';
import {
  IgnoredWebhook, ProviderError, type CallAnalysis, type CallSnapshot, type IncomingWebhook, type ListedCall, type NormalizedCallEvent,
  type PlaceCallRequest, type PlacedCall, type ProviderAdapter,
} from '../adapter';
import { ProviderHttp } from '../http/provider-http';
import { dateOr, seconds, webhookUrl } from '../webhook-util';
import { verifyVapiWebhook, type VapiWebhookAuth } from './vapi-auth';
import { VAPI_STATUS, vapiEnd } from './vapi-ended-reason';

export const VAPI_API = 'https://api.vapi.ai';

export interface VapiCredentials {
  /** Private API key (Bearer). */
  apiKey: string;
  assistantId: string;
  phoneNumberId: string;
  /** Secret Vapi sends with every server-URL request (X-Vapi-Secret), or the HMAC key. */
  webhookSecret: string;
  webhookAuth?: VapiWebhookAuth;
  /** A Vapi custom credential to authenticate server-URL requests with, instead of the secret header. */
  serverCredentialId?: string;
  baseUrl?: string;
  /** Default `maxDurationSeconds` when the request names no time limit. */
  timeLimitSeconds?: number;
  requestTimeoutMs?: number;
}

/** The server messages a campaign needs; Vapi sends only these to the call's server URL. */
export const VAPI_SERVER_MESSAGES = ['status-update', 'end-of-call-report'] as const;

interface VapiCall {
  id?: string;
  status?: string;
  endedReason?: string;
  startedAt?: string;
  endedAt?: string;
  monitor?: { controlUrl?: string };
  analysis?: unknown;
  createdAt?: string;
  customer?: { number?: string };
}

/** A Vapi call resource in our model: an ended call as its end-of-call-report would say it. */
function vapiSnapshot(call: VapiCall, providerCallId: string): CallSnapshot {
  const raw = call.status ?? 'queued';
  const mapped = VAPI_STATUS[raw];
  let status: CallStatus = 'queued';
  let outcome: Outcome | null = null;
  if (mapped === 'ended') {
    // As the end-of-call-report would say it: the end reason, and an opt-out from the analysis.
    const end = vapiEnd(call.endedReason);
    status = end.status;
    outcome = end.status === 'completed' && optedOut(record(record(call.analysis)?.structuredData)) ? 'opted_out' : end.outcome;
  } else if (mapped) {
    status = mapped;
  }
  const started = call.startedAt ? Date.parse(call.startedAt) : NaN;
  const ended = call.endedAt ? Date.parse(call.endedAt) : NaN;
  return {
    providerCallId: call.id ?? providerCallId,
    status,
    rawStatus: mapped === 'ended' ? call.endedReason ?? raw : raw,
    outcome,
    answeredBy: null,
    durationSeconds: Number.isFinite(started) && Number.isFinite(ended) ? Math.max(0, Math.round((ended - started) / 1000)) : null,
  };
}

/**
 * `analysis.structuredData` fields by which an assistant reports that the callee asked not to be
 * called again (configure the assistant's structured-data schema with one of them): the call's
 * outcome becomes `opted_out`. Vapi has no endedReason for it.
 */
export const VAPI_OPT_OUT_FIELDS = ['optedOut', 'opted_out', 'doNotCall', 'do_not_call'] as const;

/** True when the post-call analysis says the callee asked not to be called again. */
function optedOut(structuredData: Record<string, unknown> | null | undefined): boolean {
  return VAPI_OPT_OUT_FIELDS.some((f) => { const v = structuredData?.[f]; return v === true || v === 'true'; });
}

function record(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * Vapi outbound calls: `POST /call` with an assistant, a phone number and the customer, personalized
 * through `assistantOverrides.variableValues` (and `firstMessage`), and the call's server URL set to
 * webhook-ingest. https://docs.vapi.ai/api-reference/calls/create, https://docs.vapi.ai/server-url/events
 */
export class VapiAdapter implements ProviderAdapter {
  readonly type = 'vapi' as const;
  private readonly http: ProviderHttp;

  constructor(private readonly creds: VapiCredentials) {
    this.http = new ProviderHttp({
      provider: 'Vapi',
      baseURL: creds.baseUrl ?? VAPI_API,
      headers: { Authorization: `Bearer ${creds.apiKey}` },
      timeoutMs: creds.requestTimeoutMs,
    });
  }

  statusCallbackUrl(base: string, connectionId: string, callAttemptId: string): string {
    return webhookUrl(base, 'vapi', connectionId, callAttemptId);
  }

  async placeCall(req: PlaceCallRequest): Promise<PlacedCall> {
    const server: Record<string, unknown> = { url: req.statusCallbackUrl };
    if (this.creds.serverCredentialId) server.credentialId = this.creds.serverCredentialId;
    else server.headers = { 'x-vapi-secret': this.creds.webhookSecret };
    const overrides: Record<string, unknown> = {
      variableValues: req.variables ?? {},
      server,
      serverMessages: [...VAPI_SERVER_MESSAGES],
      metadata: { callAttemptId: req.callAttemptId },
    };
    if (req.firstMessage) overrides.firstMessage = req.firstMessage;
    const limit = req.timeLimitSeconds ?? this.creds.timeLimitSeconds;
    if (limit) overrides.maxDurationSeconds = limit;
    // The ring time: Vapi's transport configuration `timeout` (seconds the phone may ring, 1–600).
    overrides.transportConfigurations = [{ provider: 'twilio', timeout: req.timeoutSeconds ?? 30 }];
    const customer: Record<string, unknown> = { number: req.to };
    const name = [req.variables?.firstName, req.variables?.lastName].filter(Boolean).join(' ');
    if (name) customer.name = name.slice(0, 40);
    const res = await this.http.send<VapiCall>({
      method: 'POST', url: '/call',
      data: { assistantId: req.agent ?? this.creds.assistantId, phoneNumberId: req.callerNumberId ?? this.creds.phoneNumberId, customer, assistantOverrides: overrides },
    }, true);
    if (!res.data?.id) throw new ProviderError('ambiguous', 'Vapi answered without a call id', res.status);
    return { providerCallId: res.data.id, rawStatus: res.data.status ?? 'queued' };
  }

  /** Ends a live call through its control URL (`{"type":"end-call"}`). https://docs.vapi.ai/calls/call-features */
  async hangup(providerCallId: string): Promise<void> {
    const call = (await this.http.send<VapiCall>({ method: 'GET', url: `/call/${encodeURIComponent(providerCallId)}` }, false)).data;
    if (call.status === 'ended') return;
    const controlUrl = call.monitor?.controlUrl;
    if (!controlUrl) throw new ProviderError('rejected', 'this Vapi call has no control URL to end it with');
    await this.http.send({ method: 'POST', url: controlUrl, data: { type: 'end-call' } }, false);
  }

  async fetchCall(providerCallId: string): Promise<CallSnapshot> {
    const call = (await this.http.send<VapiCall>({ method: 'GET', url: `/call/${encodeURIComponent(providerCallId)}` }, false)).data;
    return vapiSnapshot(call, providerCallId);
  }

  /**
   * Vapi's POST /call takes no idempotency key: the call of an attempt whose worker died before
   * Vapi's answer is found among this connection's phone number's calls created since the attempt
   * (`GET /call?phoneNumberId=…&createdAtGe=…`), keeping those to `to`, oldest first.
   */
  async findCallsTo(to: string, since: Date): Promise<ListedCall[]> {
    const skewMs = 5_000;
    const query = new URLSearchParams({
      phoneNumberId: this.creds.phoneNumberId, createdAtGe: new Date(since.getTime() - skewMs).toISOString(), limit: '1000',
    });
    const res = await this.http.send<VapiCall[]>({ method: 'GET', url: `/call?${query.toString()}` }, false);
    return (Array.isArray(res.data) ? res.data : [])
      .filter((c) => c.customer?.number === to && typeof c.id === 'string' && typeof c.createdAt === 'string')
      .map((c) => ({ ...vapiSnapshot(c, c.id as string), createdAt: new Date(c.createdAt as string) }))
      .filter((c) => c.createdAt.getTime() >= since.getTime() - skewMs)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  verifyWebhook(hook: IncomingWebhook): boolean {
    return verifyVapiWebhook(hook, this.creds.webhookSecret, this.creds.webhookAuth ?? { mode: 'secret' });
  }

  parseWebhook(hook: IncomingWebhook): NormalizedCallEvent {
    const message = record(hook.body.message);
    if (!message) throw new ProviderError('rejected', 'Vapi server message lacks "message"');
    const type = str(message.type);
    if (!type) throw new ProviderError('rejected', 'Vapi server message lacks message.type');
    if (type !== 'status-update' && type !== 'end-of-call-report') throw new IgnoredWebhook(`Vapi ${type} message`);
    const call = record(message.call);
    const callId = str(call?.id);
    if (!callId) throw new ProviderError('rejected', `Vapi ${type} message lacks call.id`);
    const metadata = record(record(call?.assistantOverrides)?.metadata) ?? record(call?.metadata);
    const occurredAt = dateOr(message.timestamp, new Date());
    const base = { providerCallId: callId, occurredAt, callAttemptId: str(metadata?.callAttemptId), answeredBy: null };

    if (type === 'status-update') {
      const raw = str(message.status);
      if (!raw) throw new ProviderError('rejected', 'Vapi status-update lacks status');
      const mapped = VAPI_STATUS[raw];
      if (mapped === 'ended') {
        const end = vapiEnd(str(message.endedReason));
        return {
          ...base, eventKey: `${callId}:status-update:ended`, status: end.status, rawStatus: str(message.endedReason) ?? raw,
          outcome: end.outcome, durationSeconds: null, unmapped: end.mapped ? null : `endedReason=${String(message.endedReason)}`,
        };
      }
      return {
        ...base, eventKey: `${callId}:status-update:${raw}`, status: mapped ?? null, rawStatus: raw, outcome: null,
        durationSeconds: null, unmapped: mapped ? null : `status=${raw}`,
      };
    }

    const reason = str(message.endedReason);
    if (!reason) throw new ProviderError('rejected', 'Vapi end-of-call-report lacks endedReason');
    const end = vapiEnd(reason);
    const artifact = record(message.artifact);
    const analysisRaw = record(message.analysis);
    const analysis: CallAnalysis | null = analysisRaw
      ? { summary: str(analysisRaw.summary), structuredData: record(analysisRaw.structuredData), successEvaluation: analysisRaw.successEvaluation ?? null }
      : null;
    const recording = record(artifact?.recording);
    const optOut = end.status === 'completed' && optedOut(analysis?.structuredData);
    return {
      ...base,
      eventKey: `${callId}${POST_CALL_REPORT_EVENT_SUFFIX.vapi}`,
      status: end.status,
      rawStatus: reason,
      outcome: optOut ? 'opted_out' : end.outcome,
      durationSeconds: seconds(message.durationSeconds),
      analysis,
      recordingUrl: str(artifact?.recordingUrl) ?? str(message.recordingUrl) ?? str(recording?.stereoUrl),
      transcript: str(artifact?.transcript) ?? str(message.transcript),
      unmapped: end.mapped ? null : `endedReason=${reason}`,
    };
  }
}
