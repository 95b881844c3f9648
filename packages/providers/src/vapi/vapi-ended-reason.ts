import type { CallStatus, Outcome } from '@dialer/domain';

/**
 * Vapi call statuses (`status-update.status`, `call.status`) → our call status. `ended` is decided by
 * the `endedReason` table below. https://docs.vapi.ai/server-url/events
 */
export const VAPI_STATUS: Readonly<Record<string, CallStatus | 'ended'>> = {
  scheduled: 'queued',
  queued: 'queued',
  ringing: 'ringing',
  'in-progress': 'in_progress',
  forwarding: 'in_progress',
  ended: 'ended',
};

export interface VapiEnd {
  status: CallStatus;
  outcome: Outcome;
}

const ANSWERED: VapiEnd = { status: 'completed', outcome: 'answered' };
const PROVIDER_ERROR: VapiEnd = { status: 'failed', outcome: 'provider_error' };

/**
 * Vapi `endedReason` → our terminal status and outcome. Values from the Call object's `endedReason`
 * enum (https://docs.vapi.ai/calls/call-ended-reason, https://docs.vapi.ai/api-reference/calls/get).
 * Reasons not listed fall to VAPI_ENDED_PREFIXES, then to `failed` (stored raw and logged).
 */
export const VAPI_ENDED_REASON: Readonly<Record<string, VapiEnd>> = {
  'customer-busy': { status: 'busy', outcome: 'busy' },
  'customer-did-not-answer': { status: 'no_answer', outcome: 'no_answer' },
  voicemail: { status: 'completed', outcome: 'voicemail' },
  'customer-ended-call': ANSWERED,
  'customer-ended-call-before-warm-transfer': ANSWERED,
  'customer-ended-call-after-warm-transfer-attempt': ANSWERED,
  'customer-ended-call-during-transfer': ANSWERED,
  'assistant-ended-call': ANSWERED,
  'assistant-said-end-call-phrase': ANSWERED,
  'assistant-ended-call-with-hangup-task': ANSWERED,
  'assistant-ended-call-after-message-spoken': ANSWERED,
  'assistant-forwarded-call': ANSWERED,
  'exceeded-max-duration': ANSWERED,
  'silence-timed-out': ANSWERED,
  'call.forwarding.operator-busy': ANSWERED,
  'call.forwarding.no-answer': ANSWERED,
  'call.in-progress.twilio-completed-call': ANSWERED,
  'call.in-progress.sip-completed-call': ANSWERED,
  'vonage-completed': ANSWERED,
  'call.ending.hook-executed-say': ANSWERED,
  'call.ending.hook-executed-transfer': ANSWERED,
  'manually-canceled': { status: 'canceled', outcome: 'canceled' },
  'scheduled-call-deleted': { status: 'canceled', outcome: 'canceled' },
  'call-deleted': { status: 'canceled', outcome: 'canceled' },
  'twilio-reported-customer-misdialed': { status: 'failed', outcome: 'invalid_number' },
  'twilio-failed-to-connect-call': { status: 'failed', outcome: 'failed' },
  'vonage-failed-to-connect-call': { status: 'failed', outcome: 'failed' },
  'vonage-rejected': { status: 'failed', outcome: 'failed' },
  'vonage-disconnected': { status: 'failed', outcome: 'failed' },
  'call.in-progress.error-sip-outbound-call-failed-to-connect': { status: 'failed', outcome: 'failed' },
  // Capacity at Vapi: not the lead's doing.
  'call.start.error-subscription-concurrency-limit-reached': PROVIDER_ERROR,
  'call.start.error-vapi-number-outbound-daily-limit': PROVIDER_ERROR,
};

/** Families of Vapi errors (pipeline, start-up, configuration): the provider failed, not the lead. */
export const VAPI_ENDED_PREFIXES: ReadonlyArray<readonly [string, VapiEnd]> = [
  ['pipeline-error-', PROVIDER_ERROR],
  ['call.start.error-', PROVIDER_ERROR],
  ['call.start.', PROVIDER_ERROR],
  ['call.in-progress.error-', PROVIDER_ERROR],
  ['call.ringing.error-', PROVIDER_ERROR],
  ['call-start-error-', PROVIDER_ERROR],
  ['assistant-request-', PROVIDER_ERROR],
  ['assistant-not-', PROVIDER_ERROR],
  ['assistant-join-timed-out', PROVIDER_ERROR],
  ['assistant-error', PROVIDER_ERROR],
  ['phone-call-provider-', PROVIDER_ERROR],
  ['worker-', PROVIDER_ERROR],
  ['customer-did-not-give-microphone-permission', { status: 'failed', outcome: 'failed' }],
];

/** The end of a Vapi call: its status and outcome, and whether the reason was in the tables. */
export function vapiEnd(endedReason: string | null | undefined): VapiEnd & { mapped: boolean } {
  const reason = endedReason ?? '';
  const exact = VAPI_ENDED_REASON[reason];
  if (exact) return { ...exact, mapped: true };
  for (const [prefix, end] of VAPI_ENDED_PREFIXES) if (reason.startsWith(prefix)) return { ...end, mapped: true };
  return { status: 'failed', outcome: 'failed', mapped: false };
}
