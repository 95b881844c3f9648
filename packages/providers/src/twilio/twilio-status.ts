import type { CallStatus, Outcome } from '@dialer/domain';

/** Twilio CallStatus → our call status. https://www.twilio.com/docs/voice/api/call-resource#call-status-values */
export const TWILIO_STATUS: Record<string, CallStatus> = {
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

const MACHINE = /^machine_|^fax$/;

/** The outcome of a terminal Twilio status, refined by AnsweredBy (answering machine detection). */
export function twilioOutcome(status: CallStatus, answeredBy: string | null): Outcome | null {
  switch (status) {
    case 'completed':
      return answeredBy && MACHINE.test(answeredBy) ? 'voicemail' : 'answered';
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
