import { API_VERSION, rfc2822 } from './twilio-format';
import { signTwilioCallback } from './twilio-signature';

export type SimFlavor = 'twilio' | 'vapi' | 'exotel';

/** A Twilio-style call status, the simulator's own progression. */
type TwilioCallStatus = string;

/** What of a simulated call its callbacks tell (the simulator's SimCall has all of it). */
export interface SimCall {
  readonly flavor?: SimFlavor;
  readonly sid: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly to: string;
  readonly from: string;
  readonly statusCallback: string | null;
  readonly callbackHeaders?: Readonly<Record<string, string>>;
  readonly exotel?: { json: boolean; customField: string | null; firstLeg?: string; flow?: boolean };
  readonly outcome: string;
  readonly createdAt: Date;
  readonly machineDetection: boolean;
  startedAt: Date | null;
  answeredAt: Date | null;
  finishedAt: Date | null;
  finalStatus: string | null;
  answeredBy: string | null;
  durationSeconds: number | null;
  success: boolean | null;
  readonly structuredData?: Readonly<Record<string, unknown>>;
}

/** One callback ready to post: what it is (recorded as its `status`), its body and headers. */
export interface CallbackPayload {
  label: string;
  sequenceNumber: number;
  body: string;
  headers: Record<string, string>;
}

const FORM = 'application/x-www-form-urlencoded';

/** The `endedReason` Vapi reports for each simulated outcome (https://docs.vapi.ai/calls/call-ended-reason). */
export const VAPI_ENDED_REASONS: Readonly<Record<string, string>> = {
  completed: 'customer-ended-call',
  machine: 'voicemail',
  busy: 'customer-busy',
  'no-answer': 'customer-did-not-answer',
  failed: 'twilio-failed-to-connect-call',
  canceled: 'manually-canceled',
};

/** The endedReason of a finished call: a hang-up before answer is `manually-canceled`, else by its outcome. */
export function vapiEndedReason(call: SimCall): string {
  if (call.finalStatus === 'canceled') return 'manually-canceled';
  return VAPI_ENDED_REASONS[call.outcome] ?? 'twilio-failed-to-connect-call';
}

/** Exotel reports only completed, failed, busy and no-answer (https://developer.exotel.com/api/statuscallback). */
const EXOTEL_FINAL: Readonly<Record<string, string>> = {
  completed: 'completed', busy: 'busy', 'no-answer': 'no-answer', failed: 'failed', canceled: 'no-answer',
};

/** Exotel's date format: `YYYY-MM-DD HH:mm:ss`. */
/** Exotel's times: "YYYY-MM-DD HH:mm:ss", no zone, in India Standard Time (UTC+05:30). */
export function exotelTime(d: Date | null): string | null {
  return d ? new Date(d.getTime() + 330 * 60_000).toISOString().replace('T', ' ').slice(0, 19) : null;
}

/** The callbacks a call status produces, in the call's provider format (none: nothing is sent for it). */
export function callbackPayloads(call: SimCall, status: TwilioCallStatus, final: boolean, nextSequence: () => number): CallbackPayload[] {
  switch (call.flavor ?? 'twilio') {
    case 'twilio':
      return [twilioCallback(call, status, nextSequence(), final)];
    case 'vapi':
      return vapiCallbacks(call, status, final, nextSequence);
    case 'exotel':
      return exotelCallbacks(call, status, final, nextSequence);
  }
}

/** The form Twilio posts for a call-progress event, signed with X-Twilio-Signature. */
function twilioCallback(call: SimCall, status: TwilioCallStatus, sequenceNumber: number, final: boolean): CallbackPayload {
  const params: Array<[string, string]> = [
    ['AccountSid', call.accountSid],
    ['ApiVersion', API_VERSION],
    ['CallSid', call.sid],
    ['CallStatus', status],
    ['Called', call.to],
    ['Caller', call.from],
    ['Direction', 'outbound-api'],
    ['From', call.from],
    ['To', call.to],
    ['Timestamp', rfc2822(new Date())],
    ['SequenceNumber', String(sequenceNumber)],
    ['CallbackSource', 'call-progress-events'],
  ];
  if (final) {
    const seconds = String(call.durationSeconds ?? 0);
    params.push(['CallDuration', seconds], ['Duration', seconds]);
  }
  if (call.machineDetection && call.answeredBy) params.push(['AnsweredBy', call.answeredBy]);
  const url = call.statusCallback as string;
  return {
    label: status,
    sequenceNumber,
    body: new URLSearchParams(params).toString(),
    headers: {
      'Content-Type': FORM,
      'X-Twilio-Signature': signTwilioCallback(call.authToken, url, params),
      'User-Agent': 'TwilioProxy/1.1',
      'I-Twilio-Idempotency-Token': `${call.sid}-${sequenceNumber}`,
    },
  };
}

function vapiCallObject(call: SimCall, status: string): Record<string, unknown> {
  return {
    id: call.sid, orgId: 'org-provider-sim', type: 'outboundPhoneCall', status,
    createdAt: call.createdAt.toISOString(), updatedAt: new Date().toISOString(),
    startedAt: call.answeredAt?.toISOString(), endedAt: call.finishedAt?.toISOString(),
    customer: { number: call.to }, phoneNumberId: call.from,
  };
}

/** Vapi server messages: `status-update` per status, and at the end an `end-of-call-report`. https://docs.vapi.ai/server-url/events */
function vapiCallbacks(call: SimCall, status: TwilioCallStatus, final: boolean, nextSequence: () => number): CallbackPayload[] {
  const headers = { 'Content-Type': 'application/json', 'User-Agent': 'provider-sim (vapi)', ...(call.callbackHeaders ?? {}) };
  const message = (m: Record<string, unknown>, label: string): CallbackPayload => ({
    label, sequenceNumber: nextSequence(), headers, body: JSON.stringify({ message: { ...m, timestamp: Date.now() } }),
  });
  if (!final) {
    const vapiStatus = status === 'in-progress' ? 'in-progress' : status === 'ringing' ? 'ringing' : null;
    return vapiStatus ? [message({ type: 'status-update', status: vapiStatus, call: vapiCallObject(call, vapiStatus) }, vapiStatus)] : [];
  }
  const endedReason = vapiEndedReason(call);
  const ended = vapiCallObject(call, 'ended');
  const talked = call.answeredAt !== null && call.outcome === 'completed';
  return [
    message({ type: 'status-update', status: 'ended', endedReason, call: { ...ended, endedReason } }, 'ended'),
    message({
      type: 'end-of-call-report',
      endedReason,
      call: { ...ended, endedReason },
      durationSeconds: call.durationSeconds ?? 0,
      analysis: talked
        ? {
          summary: call.success ? 'The customer is interested and asked for a follow-up.' : 'The customer is not interested.',
          structuredData: { interested: call.success === true, ...(call.structuredData ?? {}) },
          successEvaluation: call.success ? 'true' : 'false',
        }
        : {},
      artifact: talked
        ? { recordingUrl: `https://recordings.provider-sim.invalid/${call.sid}.wav`, transcript: 'AI: Hello!\nUser: Hi.' }
        : {},
    }, 'end-of-call-report'),
  ];
}

/** Exotel StatusCallback: an `answered` event when subscribed, and the `terminal` one. https://developer.exotel.com/api/statuscallback */
function exotelCallbacks(call: SimCall, status: TwilioCallStatus, final: boolean, nextSequence: () => number): CallbackPayload[] {
  if (!final && status !== 'in-progress') return [];
  const json = call.exotel?.json ?? false;
  const common: Record<string, unknown> = {
    CallSid: call.sid,
    DateUpdated: exotelTime(new Date()),
    DateCreated: exotelTime(call.createdAt),
    To: call.to,
    From: call.to,
    PhoneNumberSid: call.from,
    StartTime: exotelTime(call.startedAt),
    Direction: 'outbound-api',
    CustomField: call.exotel?.customField ?? '',
  };
  let fields: Record<string, unknown>;
  if (!final) {
    fields = { ...common, EventType: 'answered', Status: 'in-progress' };
  } else {
    const finalStatus = EXOTEL_FINAL[status] ?? 'failed';
    fields = {
      ...common, EventType: 'terminal', Status: finalStatus,
      RecordingUrl: call.answeredAt ? `https://recordings.provider-sim.invalid/${call.sid}.mp3` : '',
      EndTime: exotelTime(call.finishedAt), ConversationDuration: call.durationSeconds ?? 0,
      Legs: [{ OnCallDuration: call.durationSeconds ?? 0, Status: finalStatus, AnsweredBy: call.answeredAt ? (call.outcome === 'machine' ? 'Machine' : 'Human') : 'NA' }],
    };
  }
  const label = final ? String(fields.Status) : 'answered';
  if (json) return [{ label, sequenceNumber: nextSequence(), headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fields) }];
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  return [{ label, sequenceNumber: nextSequence(), headers: { 'Content-Type': FORM }, body: form.toString() }];
}
