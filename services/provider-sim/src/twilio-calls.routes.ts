import express, { type ErrorRequestHandler, type Request, type Response, Router } from 'express';
import { safeEqual, type Logger } from '@dialer/platform';
import { CALLBACK_EVENTS, type CallbackEvent, type CallSimulator, type SimCall } from './call-simulator';
import { API_VERSION, callUri, looksLikeE164, rfc2822, sendTwilioError } from './twilio-format';

/** Account sid → auth token. With fixed accounts (SIM_TWILIO_ACCOUNTS) tokens must match; otherwise any token is learned. */
export class AccountBook {
  private readonly learned = new Map<string, string>();

  constructor(private readonly fixed: ReadonlyMap<string, string>) {}

  /** The token to sign this account's callbacks with, or null when the credentials are refused. */
  authenticate(accountSid: string, username: string, password: string): string | null {
    if (username !== accountSid || password === '') return null;
    if (this.fixed.size > 0) {
      const token = this.fixed.get(accountSid);
      return token !== undefined && safeEqual(token, password) ? token : null;
    }
    this.learned.set(accountSid, password);
    return password;
  }
}

type Params = Record<string, string | string[] | undefined>;

function values(body: Params, name: string): string[] {
  const v = body[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function first(body: Params, name: string): string | undefined {
  return values(body, name)[0];
}

export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export function basicAuth(req: Request): { username: string; password: string } | null {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  if (at < 0) return null;
  return { username: decoded.slice(0, at), password: decoded.slice(at + 1) };
}

/** Twilio's call resource, as its REST API returns it. */
export function callResource(call: SimCall): Record<string, unknown> {
  const uri = callUri(call.accountSid, call.sid);
  const base = uri.replace(/\.json$/, '');
  const updated = [call.createdAt, call.startedAt, call.answeredAt, call.finishedAt]
    .filter((d): d is Date => d !== null)
    .reduce((a, b) => (b > a ? b : a));
  return {
    account_sid: call.accountSid,
    annotation: null,
    answered_by: call.answeredBy,
    api_version: API_VERSION,
    caller_name: null,
    date_created: rfc2822(call.createdAt),
    date_updated: rfc2822(updated),
    direction: 'outbound-api',
    duration: call.finalStatus ? String(call.durationSeconds ?? 0) : null,
    end_time: call.finishedAt ? rfc2822(call.finishedAt) : null,
    forwarded_from: null,
    from: call.from,
    from_formatted: call.from,
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: null,
    price: null,
    price_unit: 'USD',
    queue_time: '0',
    sid: call.sid,
    start_time: call.startedAt ? rfc2822(call.startedAt) : null,
    status: call.status,
    subresource_uris: {
      feedback: `${base}/Feedback.json`,
      notifications: `${base}/Notifications.json`,
      recordings: `${base}/Recordings.json`,
      payments: `${base}/Payments.json`,
      events: `${base}/Events.json`,
      siprec: `${base}/Siprec.json`,
      streams: `${base}/Streams.json`,
      transcriptions: `${base}/Transcriptions.json`,
      user_defined_message_subscriptions: `${base}/UserDefinedMessageSubscriptions.json`,
      user_defined_messages: `${base}/UserDefinedMessages.json`,
    },
    to: call.to,
    to_formatted: call.to,
    trunk_sid: null,
    uri,
  };
}

export interface TwilioCallsRoutesDeps {
  simulator: CallSimulator;
  accounts: AccountBook;
  logger: Logger;
}

/** Twilio's Voice API Calls resource: create, fetch, update (hang up). */
export function twilioCallsRoutes(deps: TwilioCallsRoutesDeps): Router {
  const { simulator, accounts, logger } = deps;
  const router = Router();
  router.use(`/${API_VERSION}`, express.urlencoded({ extended: false, limit: '100kb' }));

  /** The auth token, or null after answering 401. */
  function authorize(req: Request, res: Response): string | null {
    const accountSid = String(req.params.AccountSid);
    const creds = basicAuth(req);
    const token = creds ? accounts.authenticate(accountSid, creds.username, creds.password) : null;
    if (token === null) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Twilio API"');
      sendTwilioError(res, 401, 20003, 'Authenticate');
    }
    return token;
  }

  function findCall(req: Request, res: Response): SimCall | null {
    const call = simulator.get(String(req.params.Sid));
    if (!call || call.accountSid !== req.params.AccountSid) {
      sendTwilioError(res, 404, 20404, `The requested resource ${req.path} was not found`);
      return null;
    }
    return call;
  }

  router.post(`/${API_VERSION}/Accounts/:AccountSid/Calls.json`, async (req, res) => {
    const authToken = authorize(req, res);
    if (authToken === null) return;
    await simulator.createDelay();
    const fault = simulator.createFault();
    if (fault === 'reject') return sendTwilioError(res, 429, 20429, 'Too Many Requests');
    if (fault === 'fail') return sendTwilioError(res, 500, 20500, 'Internal Server Error');

    const body = (req.body ?? {}) as Params;
    const to = first(body, 'To')?.trim() ?? '';
    if (!looksLikeE164(to)) return sendTwilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    const from = first(body, 'From')?.trim() ?? '';
    if (!from) return sendTwilioError(res, 400, 21213, "A 'From' phone number is required.");
    const url = first(body, 'Url');
    const twiml = first(body, 'Twiml');
    const appSid = first(body, 'ApplicationSid');
    if (appSid !== undefined && !/^AP[0-9a-fA-F]{32}$/.test(appSid)) return sendTwilioError(res, 400, 21218, `ApplicationSid ${appSid} is not valid.`);
    if (url === undefined && !twiml && appSid === undefined) return sendTwilioError(res, 400, 21205, 'Url parameter is required.');
    if (url !== undefined && !isHttpUrl(url)) return sendTwilioError(res, 400, 21205, `Url is not a valid URL: ${url}`);

    const statusCallback = first(body, 'StatusCallback') ?? null;
    if (statusCallback !== null && !isHttpUrl(statusCallback)) {
      return sendTwilioError(res, 400, 21609, `StatusCallback is not a valid URL: ${statusCallback}`);
    }
    const method = (first(body, 'StatusCallbackMethod') ?? 'POST').toUpperCase();
    if (method !== 'POST') {
      return sendTwilioError(res, 400, 21200, `StatusCallbackMethod ${method} is not supported by provider-sim (only POST)`);
    }
    const requested = values(body, 'StatusCallbackEvent').flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== '');
    const unknown = requested.filter((e) => !(CALLBACK_EVENTS as readonly string[]).includes(e));
    if (unknown.length) {
      return sendTwilioError(res, 400, 21200, `StatusCallbackEvent ${unknown.join(', ')} is not one of ${CALLBACK_EVENTS.join(', ')}`);
    }
    // Twilio's default when no event is named: only `completed`.
    const events = new Set<CallbackEvent>(requested.length ? (requested as CallbackEvent[]) : ['completed']);
    const timeoutText = first(body, 'Timeout');
    const timeoutSeconds = timeoutText === undefined ? 60 : Number(timeoutText);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 600) {
      return sendTwilioError(res, 400, 21200, 'Timeout must be an integer between 1 and 600');
    }
    const amd = first(body, 'MachineDetection');
    if (amd !== undefined && amd !== '' && amd !== 'Enable' && amd !== 'DetectMessageEnd') {
      return sendTwilioError(res, 400, 21200, 'MachineDetection must be Enable or DetectMessageEnd');
    }

    const call = simulator.create({
      accountSid: String(req.params.AccountSid),
      authToken,
      to,
      from,
      statusCallback,
      events,
      timeoutSeconds,
      machineDetection: amd === 'Enable' || amd === 'DetectMessageEnd',
      agent: appSid ?? url ?? (twiml ? 'Twiml' : null),
    });
    res.status(201).json(callResource(call));
  });

  // Twilio's Calls list (newest first) with its filters To, From, Status and StartTime (a UTC date
  // YYYY-MM-DD, or an inequality StartTime>= / StartTime<=); PageSize up to 1000, one page.
  router.get(`/${API_VERSION}/Accounts/:AccountSid/Calls.json`, (req, res) => {
    if (authorize(req, res) === null) return;
    simulator.countListLookup();
    const q = req.query as Record<string, unknown>;
    const text = (k: string): string | undefined => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    const to = text('To');
    const from = text('From');
    const status = text('Status');
    const onDay = text('StartTime');
    const fromDay = text('StartTime>');
    const toDay = text('StartTime<');
    const pageSize = Math.min(1000, Math.max(1, Number(text('PageSize') ?? 50) || 50));
    const day = (d: Date): string => d.toISOString().slice(0, 10);
    const calls = simulator.list().filter((c) => {
      if (c.accountSid !== req.params.AccountSid) return false;
      if (to !== undefined && c.to !== to) return false;
      if (from !== undefined && c.from !== from) return false;
      if (status !== undefined && c.status !== status) return false;
      const started = day(c.startedAt ?? c.createdAt);
      if (onDay !== undefined && started !== onDay) return false;
      if (fromDay !== undefined && started < fromDay) return false;
      if (toDay !== undefined && started > toDay) return false;
      return true;
    }).slice(-pageSize).reverse();
    const uri = `/${API_VERSION}/Accounts/${String(req.params.AccountSid)}/Calls.json`;
    res.json({
      calls: calls.map(callResource), end: Math.max(0, calls.length - 1), first_page_uri: `${uri}?PageSize=${pageSize}&Page=0`,
      next_page_uri: null, page: 0, page_size: pageSize, previous_page_uri: null, start: 0, uri,
    });
  });

  router.get(`/${API_VERSION}/Accounts/:AccountSid/Calls/:Sid.json`, (req, res) => {
    if (authorize(req, res) === null) return;
    const call = findCall(req, res);
    if (!call) return;
    simulator.countLookup(call);
    res.json(callResource(call));
  });

  router.post(`/${API_VERSION}/Accounts/:AccountSid/Calls/:Sid.json`, (req, res) => {
    if (authorize(req, res) === null) return;
    const call = findCall(req, res);
    if (!call) return;
    const status = first((req.body ?? {}) as Params, 'Status');
    if (status !== undefined && status !== 'completed' && status !== 'canceled') {
      return sendTwilioError(res, 400, 21200, 'Status must be completed or canceled');
    }
    if (status) simulator.hangup(call.sid, status);
    res.json(callResource(call));
  });

  router.use(`/${API_VERSION}`, (req, res) => {
    sendTwilioError(res, 404, 20404, `The requested resource /${API_VERSION}${req.path} was not found`);
  });

  const twilioErrors: ErrorRequestHandler = (err, req, res, next) => {
    if (!req.originalUrl.startsWith(`/${API_VERSION}/`) || res.headersSent) return next(err);
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendTwilioError(res, status, 20001, 'The request could not be read');
    }
    logger.error({ err, path: req.path }, 'Twilio API request failed');
    sendTwilioError(res, 500, 20500, 'Internal Server Error');
  };
  router.use(twilioErrors);
  return router;
}
