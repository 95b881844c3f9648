import type { CallStatus, Outcome } from '@dialer/domain';

export interface PlaceCallRequest {
  /** E.164 number of the callee. */
  to: string;
  /** Our call attempt id; carried in the callback URL so a webhook finds its attempt directly. */
  callAttemptId: string;
  /** Full public URL the provider posts call-status callbacks to. */
  statusCallbackUrl: string;
  /** Variables for personalization (lead fields and custom columns). */
  variables?: Record<string, string>;
  timeoutSeconds?: number;
}

export interface PlacedCall {
  providerCallId: string;
  rawStatus: string;
}

export interface CallSnapshot {
  providerCallId: string;
  status: CallStatus;
  rawStatus: string;
  durationSeconds: number | null;
}

/** A provider's webhook, as received: the public URL it was sent to, its headers and parsed body. */
export interface IncomingWebhook {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** One provider event in our outcome model. */
export interface NormalizedCallEvent {
  /** Identity for deduplication (unique per provider). */
  eventKey: string;
  providerCallId: string;
  status: CallStatus;
  rawStatus: string;
  /** Set on terminal statuses. */
  outcome: Outcome | null;
  answeredBy: string | null;
  durationSeconds: number | null;
  occurredAt: Date;
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

export interface ProviderAdapter {
  readonly type: 'twilio' | 'vapi' | 'exotel';
  placeCall(req: PlaceCallRequest): Promise<PlacedCall>;
  hangup(providerCallId: string): Promise<void>;
  fetchCall(providerCallId: string): Promise<CallSnapshot>;
  verifyWebhook(hook: IncomingWebhook): boolean;
  parseWebhook(hook: IncomingWebhook): NormalizedCallEvent;
}
