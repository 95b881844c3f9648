import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from '@dialer/platform';
import type { CallSimulator, SimCall } from './call-simulator';
import { exotelTime } from './callback-formats';
import { basicAuth, isHttpUrl } from './twilio-calls.routes';

/** Exotel's error body. */
function exotelError(res: Response, status: number, message: string): void {
  res.status(status).json({ RestException: { Status: status, Message: message } });
}

function exotelStatus(call: SimCall): string {
  if (!call.finalStatus) return call.status === 'queued' ? 'queued' : call.status === 'ringing' ? 'ringing' : 'in-progress';
  return call.finalStatus === 'canceled' ? 'no-answer' : call.finalStatus;
}

/** The Call resource as Exotel's API returns it (`{"Call": {...}}`). https://developer.exotel.com/api/call-details */
export function exotelCallResource(call: SimCall): Record<string, unknown> {
  return {
    Call: {
      Sid: call.sid, ParentCallSid: null, DateCreated: exotelTime(call.createdAt), DateUpdated: exotelTime(new Date()),
      AccountSid: call.accountSid, To: call.to, From: call.to, PhoneNumberSid: call.from, Status: exotelStatus(call),
      StartTime: exotelTime(call.startedAt ?? call.createdAt), EndTime: exotelTime(call.finishedAt),
      Duration: call.finalStatus ? call.durationSeconds ?? 0 : null, Price: null, Direction: 'outbound-api',
      AnsweredBy: null, ForwardedFrom: '', CallerName: '', Uri: `/v1/Accounts/${call.accountSid}/Calls/${call.sid}.json`,
      RecordingUrl: null,
    },
  };
}

const PHONE = /^\+?[0-9]{6,15}$/;

/**
 * Exotel Voice v1: `Calls/connect` (form, HTTP basic auth with API key and token) and call details.
 * https://developer.exotel.com/api/make-a-call-api
 */
export function exotelCallsRoutes(deps: { simulator: CallSimulator; logger: Logger }): Router {
  const { simulator } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '100kb' });

  function authorized(req: Request, res: Response): boolean {
    const creds = basicAuth(req);
    if (!creds || !creds.username || !creds.password) {
      exotelError(res, 401, 'Authentication is required to view this resource.');
      return false;
    }
    return true;
  }

  router.post('/v1/Accounts/:sid/Calls/connect{.json}', form, async (req, res) => {
    if (!authorized(req, res)) return;
    await simulator.createDelay();
    const fault = simulator.createFault();
    if (fault === 'reject') return exotelError(res, 429, 'Too many requests');
    if (fault === 'fail') return exotelError(res, 500, 'Internal server error');
    const b = (req.body ?? {}) as Record<string, string | undefined>;
    const flow = b.Url;
    const callee = flow ? b.From : b.To;
    if (!b.From || !PHONE.test(b.From)) return exotelError(res, 400, 'From is not a valid phone number');
    if (!callee || !PHONE.test(callee)) return exotelError(res, 400, `${flow ? 'From' : 'To'} is not a valid phone number`);
    if (!b.CallerId) return exotelError(res, 400, 'CallerId is required');
    if (flow !== undefined && !isHttpUrl(flow)) return exotelError(res, 400, 'Url is not a valid URL');
    const statusCallback = b.StatusCallback ?? null;
    if (statusCallback !== null && !isHttpUrl(statusCallback)) return exotelError(res, 400, 'StatusCallback is not a valid URL');
    const events = Object.entries(b).filter(([k]) => k.startsWith('StatusCallbackEvents')).map(([, v]) => v);
    const timeout = b.TimeOut === undefined ? 45 : Number(b.TimeOut);
    if (!Number.isInteger(timeout) || timeout < 1) return exotelError(res, 400, 'TimeOut must be a whole number of seconds');
    const call = simulator.create({
      flavor: 'exotel',
      id: randomBytes(16).toString('hex'),
      exotel: { json: b.StatusCallbackContentType === 'application/json', customField: b.CustomField ?? null },
      accountSid: String(req.params.sid),
      authToken: '',
      to: callee,
      from: b.CallerId,
      statusCallback,
      events: new Set(events.includes('answered') ? ['answered', 'completed'] : ['completed']),
      timeoutSeconds: timeout,
      machineDetection: true,
    });
    res.status(200).json(exotelCallResource(call));
  });

  router.get('/v1/Accounts/:sid/Calls/:callSid{.json}', (req, res) => {
    if (!authorized(req, res)) return;
    const call = simulator.get(String(req.params.callSid));
    if (!call || call.flavor !== 'exotel' || call.accountSid !== req.params.sid) return exotelError(res, 404, 'Call not found');
    simulator.countLookup(call);
    res.json(exotelCallResource(call));
  });

  return router;
}
