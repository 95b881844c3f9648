import type { CallStatus, Outcome } from '@dialer/domain';

/**
 * Twilio `CallStatus` → our call status.
 * https://www.twilio.com/docs/voice/api/call-resource#call-status-values
 */
export const TWILIO_STATUS: Readonly<Record<string, CallStatus>> = {
  queued: 'queued',
  initiated: 'initiated',
  ringing: 'ringing',
  'in-progress': 'in_progress',
  answered: 'in_progress',
  completed: 'completed',
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
  canceled: 'canceled',
};

/**
 * Twilio `AnsweredBy` (answering machine detection) values that mean no person took the call.
 * https://www.twilio.com/docs/voice/answering-machine-detection#answeredby-values
 */
export const TWILIO_MACHINE_ANSWERS: readonly string[] = [
  'machine_start', 'machine_end_beep', 'machine_end_silence', 'machine_end_other', 'fax',
];

/**
 * A failed call whose SIP response or Twilio error code says the number itself is bad: 404 / 410 /
 * 484 (not found, gone, address incomplete) and error 13224 / 13223 / 21211 / 21217 (invalid number).
 * https://www.twilio.com/docs/voice/api/call-resource (SipResponseCode), https://www.twilio.com/docs/api/errors
 */
const INVALID_SIP = new Set(['404', '410', '484', '604']);
const INVALID_ERRORS = new Set(['13223', '13224', '21211', '21217', '21214']);

/** The outcome of a terminal Twilio status, refined by AnsweredBy and the failure's SIP/error code. */
export function twilioOutcome(
  status: CallStatus, answeredBy: string | null, failure: { sipResponseCode?: string; errorCode?: string } = {},
): Outcome | null {
  switch (status) {
    case 'completed':
      return answeredBy && TWILIO_MACHINE_ANSWERS.includes(answeredBy) ? 'voicemail' : 'answered';
    case 'busy':
      return 'busy';
    case 'no_answer':
      return 'no_answer';
    case 'failed':
      if ((failure.sipResponseCode && INVALID_SIP.has(failure.sipResponseCode))
        || (failure.errorCode && INVALID_ERRORS.has(failure.errorCode))) return 'invalid_number';
      return 'failed';
    case 'canceled':
      return 'canceled';
    default:
      return null;
  }
}
