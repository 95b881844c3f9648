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
      // Agent mode: From is the agent (called first), To the callee. Flow mode: the callee is From and
      // To the ExoPhone the flow runs on.
      AccountSid: call.accountSid, To: call.exotel?.flow ? call.from : call.to, From: call.exotel?.firstLeg ?? call.to,
      PhoneNumberSid: call.from, Status: exotelStatus(call),
      StartTime: exotelTime(call.startedAt ?? call.createdAt), EndTime: exotelTime(call.finishedAt),
      Duration: call.finalStatus ? call.durationSeconds ?? 0 : null, Price: null, Direction: 'outbound-api',
      AnsweredBy: null, ForwardedFrom: '', CallerName: '', Uri: `/v1/Accounts/${call.accountSid}/Calls/${call.sid}.json`,
      RecordingUrl: null,
    },
  };
}

function stringQuery(q: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string'));
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
      exotel: { json: b.StatusCallbackContentType === 'application/json', customField: b.CustomField ?? null, firstLeg: b.From, flow: !!flow },
      accountSid: String(req.params.sid),
      authToken: '',
      to: callee,
      from: b.CallerId,
      statusCallback,
      events: new Set(events.includes('answered') ? ['answered', 'completed'] : ['completed']),
      timeoutSeconds: timeout,
      machineDetection: true,
      agent: flow ?? null,
    });
    res.status(200).json(exotelCallResource(call));
  });

  // Bulk Call Details (https://developer.exotel.com/api/call-details-bulk): filters To, From (up to 5
  // numbers each), Direction, DateCreated `gte:…;lte:…` (Exotel's zoneless IST times), SortBy
  // DateCreated:asc|desc (default desc), PageSize (default 50, max 100), After (the cursor of NextPageUri).
  // As documented, ongoing calls are not listed.
  router.get('/v1/Accounts/:sid/Calls{.json}', (req, res) => {
    if (!authorized(req, res)) return;
    const q = req.query as Record<string, unknown>;
    const text = (k: string): string | undefined => (typeof q[k] === 'string' && q[k] !== '' ? (q[k] as string) : undefined);
    const list = (k: string): string[] | undefined => text(k)?.split(',').map((v) => v.trim());
    const to = list('To');
    const from = list('From');
    if ((to?.length ?? 0) > 5 || (from?.length ?? 0) > 5) return exotelError(res, 400, 'At most 5 numbers per filter');
    let gte: string | undefined;
    let lte: string | undefined;
    for (const part of text('DateCreated')?.split(';') ?? []) {
      const m = /^(gte|lte):(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})$/.exec(part.trim());
      if (!m) return exotelError(res, 400, 'DateCreated must be gte:YYYY-MM-DD HH:mm:ss;lte:YYYY-MM-DD HH:mm:ss');
      if (m[1] === 'gte') gte = m[2];
      else lte = m[2];
    }
    const sort = text('SortBy') ?? 'DateCreated:desc';
    if (sort !== 'DateCreated:asc' && sort !== 'DateCreated:desc') return exotelError(res, 400, 'SortBy must be DateCreated:asc or DateCreated:desc');
    const pageSize = Math.min(100, Math.max(1, Number(text('PageSize') ?? 50) || 50));
    const after = Math.max(0, Number(text('After') ?? 0) || 0);
    const direction = text('Direction');
    simulator.countListLookup();
    const matches = simulator.list()
      .filter((call) => call.flavor === 'exotel' && call.accountSid === req.params.sid && call.finalStatus)
      .map((call) => exotelCallResource(call).Call as Record<string, unknown>)
      .filter((c) => {
        if (to && !to.includes(String(c.To))) return false;
        if (from && !from.includes(String(c.From))) return false;
        if (direction && direction !== c.Direction) return false;
        // Zoneless times of one zone compare as strings.
        if (gte && String(c.DateCreated) < gte) return false;
        if (lte && String(c.DateCreated) > lte) return false;
        return true;
      });
    if (sort === 'DateCreated:desc') matches.reverse();
    const page = matches.slice(after, after + pageSize);
    const next = after + pageSize < matches.length ? new URLSearchParams({ ...stringQuery(q), After: String(after + pageSize) }) : null;
    res.json({
      Metadata: {
        Total: matches.length, PageSize: pageSize, FirstPageUri: `/v1/Accounts/${req.params.sid}/Calls.json`,
        NextPageUri: next ? `/v1/Accounts/${req.params.sid}/Calls.json?${next.toString()}` : null,
      },
      Calls: page,
    });
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
