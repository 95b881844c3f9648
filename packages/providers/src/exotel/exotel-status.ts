import type { CallStatus, Outcome } from '@dialer/domain';

/**
 * Exotel call `Status` (StatusCallback and Call Details) → our call status.
 * https://developer.exotel.com/api/statuscallback, https://developer.exotel.com/api/call-details
 */
export const EXOTEL_STATUS: Readonly<Record<string, CallStatus>> = {
  queued: 'queued',
  ringing: 'ringing',
  'in-progress': 'in_progress',
  completed: 'completed',
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
  canceled: 'canceled',
};

/** Exotel `Legs[].AnsweredBy` values that mean a machine took the call (case-insensitive). */
export const EXOTEL_MACHINE_ANSWERS: readonly string[] = ['machine'];

/** The outcome of a terminal Exotel status; a completed call answered by a machine is voicemail. */
export function exotelOutcome(status: CallStatus, legAnsweredBy: ReadonlyArray<string | null>): Outcome | null {
  switch (status) {
    case 'completed':
      return legAnsweredBy.some((a) => a && EXOTEL_MACHINE_ANSWERS.includes(a.toLowerCase())) ? 'voicemail' : 'answered';
    case 'busy':
      return 'busy';
    case 'no_answer':
      return 'no_answer';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    default:
      return null;
  }
}
