import type { CallStatus, Outcome, ProviderType } from '@dialer/domain';

export interface PlaceCallRequest {
  /** E.164 number of the callee. */
  to: string;
  /** Our call attempt id; carried in the callback URL so a webhook finds its attempt directly. */
  callAttemptId: string;
  /** Full public URL the provider posts call-status callbacks to. */
  statusCallbackUrl: string;
  /** Variables for personalization (lead fields and custom columns). */
  variables?: Record<string, string>;
  /** The campaign's script, rendered for this lead (Twilio: spoken with <Say>; Exotel: CustomField). */
  script?: string;
  /** The campaign's first message, rendered for this lead (Vapi: assistantOverrides.firstMessage). */
  firstMessage?: string;
  /** Ring time before the call counts as unanswered (the campaign's ringTimeoutSeconds; 30 when absent). */
  timeoutSeconds?: number;
  /**
   * The campaign's agent or flow in place of the connection's: a Vapi assistant id, a Twilio TwiML URL
   * or TwiML App sid, an Exotel flow id or URL (checked by checkCampaignOverrides).
   */
  agent?: string;
  /** The campaign's caller id in place of the connection's (Twilio `From`, Exotel `CallerId`), E.164. */
  callerId?: string;
  /**
   * The provider's own id of that caller id, where the provider names numbers by id: Vapi's
   * `phoneNumberId` (a caller-id pool number imported into Vapi), in place of the connection's.
   */
  callerNumberId?: string;
  /** Longest the call may last once answered. */
  timeLimitSeconds?: number;
}

export interface PlacedCall {
  providerCallId: string;
  rawStatus: string;
}

/** A call as the provider's API shows it now (the reconciler asks when a call's webhooks stopped coming). */
export interface CallSnapshot {
  providerCallId: string;
  status: CallStatus;
  rawStatus: string;
  /** Set on terminal statuses: the outcome, refined as the provider's terminal webhook would refine it. */
  outcome: Outcome | null;
  /** Who or what answered, when the provider says (Twilio AnsweredBy). */
  answeredBy: string | null;
  durationSeconds: number | null;
}

/** A call as the provider's list of calls shows it. */
export interface ListedCall extends CallSnapshot {
  createdAt: Date;
}

/** A provider's webhook, as received: the public URL it was sent to, its headers and parsed body. */
export interface IncomingWebhook {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  /** The body exactly as received (HMAC schemes sign the bytes). */
  rawBody?: string;
  /** Path parameters of the route (Exotel: the secret token). */
  params?: Record<string, string>;
}

/** What a provider's post-call analysis said (Vapi end-of-call-report `analysis`). */
export interface CallAnalysis {
  summary?: string | null;
  structuredData?: Record<string, unknown> | null;
  successEvaluation?: unknown;
}

/** One provider event in our outcome model. */
export interface NormalizedCallEvent {
  /** Identity for deduplication (unique per provider). */
  eventKey: string;
  providerCallId: string;
  /**
   * Our call status; null when the provider's value is not in our mapping tables (the event is
   * stored raw and logged, never dropped, and applies nothing) or when the message carries data only.
   */
  status: CallStatus | null;
  rawStatus: string;
  /** Set on terminal statuses. */
  outcome: Outcome | null;
  answeredBy: string | null;
  durationSeconds: number | null;
  occurredAt: Date;
  /** Our attempt id when the provider echoes it (Vapi metadata, Exotel CustomField). */
  callAttemptId?: string | null;
  /** Post-call data, when the event carries it. */
  analysis?: CallAnalysis | null;
  recordingUrl?: string | null;
  transcript?: string | null;
  /** Set when a raw value was not in the mapping tables: what it was. */
  unmapped?: string | null;
}

/** Why a provider call was not placed. */
export type ProviderErrorKind =
  /** The provider is at its capacity (429, "concurrency limit"): requeue, spend no attempt. */
  | 'capacity'
  /** The provider refused this call for good (4xx: bad number, bad credentials). */
  | 'rejected'
  /** Network error or 5xx before the request was accepted: safe to retry. */
  | 'transient'
  /** We cannot tell whether the call was created (timeout after sending). Never blindly retried. */
  | 'ambiguous';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/**
 * A webhook body that is not a call event we act on (Vapi transcript or speech updates): answered
 * 200 and not stored.
 */
export class IgnoredWebhook extends Error {
  constructor(readonly what: string) {
    super(`ignored ${what}`);
    this.name = 'IgnoredWebhook';
  }
}

export type { ProviderType } from '@dialer/domain';

export interface ProviderAdapter {
  readonly type: ProviderType;
  /** The URL this provider must post a call's status events to (the path webhook-ingest serves for it). */
  statusCallbackUrl(publicBaseUrl: string, connectionId: string, callAttemptId: string): string;
  placeCall(req: PlaceCallRequest): Promise<PlacedCall>;
  hangup(providerCallId: string): Promise<void>;
  fetchCall(providerCallId: string): Promise<CallSnapshot>;
  /**
   * The calls to `to` created at or after `since` (less a small clock skew), oldest first: how the
   * reconciler finds the call of an attempt whose worker died before the provider's answer. Absent
   * when the provider cannot list calls by number (the attempt is then closed after the grace period).
   */
  findCallsTo?(to: string, since: Date): Promise<ListedCall[]>;
  /**
   * Set when findCallsTo lists a call only once it ended (Exotel): for this long after an attempt was
   * created, an empty list does not prove that no call exists, and the attempt is not closed.
   */
  readonly listMissesLiveCallsForMs?: number;
  /** True when the webhook carries this connection's signature or secret. */
  verifyWebhook(hook: IncomingWebhook): boolean;
  /**
   * The webhook in our outcome model. Throws ProviderError('rejected') for a malformed body (answer 400)
   * and IgnoredWebhook for a message that is not a call event.
   */
  parseWebhook(hook: IncomingWebhook): NormalizedCallEvent;
}
