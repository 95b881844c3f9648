import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from '@dialer/platform';
import type { CallSimulator, SimCall } from './call-simulator';
import { vapiEndedReason } from './callback-formats';
import { isHttpUrl } from './twilio-calls.routes';
import { looksLikeE164 } from './twilio-format';

/** Vapi's error body: `{message, error, statusCode}`. */
function vapiError(res: Response, statusCode: number, message: string): void {
  const error = statusCode === 401 ? 'Unauthorized' : statusCode === 429 ? 'Too Many Requests' : statusCode >= 500 ? 'Internal Server Error' : 'Bad Request';
  res.status(statusCode).json({ message, error, statusCode });
}

function vapiStatus(call: SimCall): string {
  if (call.finalStatus) return 'ended';
  if (call.status === 'in-progress') return 'in-progress';
  if (call.status === 'ringing') return 'ringing';
  return 'queued';
}

/** The Call object as Vapi's API returns it (the fields the dialer and the server SDK read). */
export function vapiCallResource(call: SimCall, baseUrl: string): Record<string, unknown> {
  const status = vapiStatus(call);
  return {
    id: call.sid,
    orgId: 'org-provider-sim',
    type: 'outboundPhoneCall',
    status,
    endedReason: status === 'ended' ? vapiEndedReason(call) : undefined,
    createdAt: call.createdAt.toISOString(),
    updatedAt: new Date().toISOString(),
    startedAt: call.answeredAt?.toISOString(),
    endedAt: call.finishedAt?.toISOString(),
    phoneNumberId: call.from,
    customer: { number: call.to },
    monitor: { controlUrl: `${baseUrl}/call/${call.sid}/control`, listenUrl: `wss://provider-sim.invalid/${call.sid}/listen` },
  };
}

/** Vapi API keys: with fixed keys (SIM_VAPI_KEYS) a key must be one of them; otherwise any non-empty key. */
export class VapiKeys {
  constructor(private readonly keys: ReadonlySet<string>) {}

  accepts(req: Request): boolean {
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const key = m?.[1]?.trim();
    if (!key) return false;
    return this.keys.size === 0 || this.keys.has(key);
  }
}

/**
 * Vapi's calls API: `POST /call`, `GET /call/:id`, and the live-call control URL (`end-call`).
 * https://docs.vapi.ai/api-reference/calls/create
 */
export function vapiCallsRoutes(deps: { simulator: CallSimulator; keys: VapiKeys; logger: Logger }): Router {
  const { simulator, keys } = deps;
  const router = Router();
  const json = express.json({ limit: '1mb' });
  const base = (req: Request) => `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;

  router.post('/call', json, async (req, res) => {
    if (!keys.accepts(req)) return vapiError(res, 401, 'Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.');
    await simulator.createDelay();
    const fault = simulator.createFault();
    if (fault === 'reject') return vapiError(res, 429, 'Over Concurrency Limit.');
    if (fault === 'fail') return vapiError(res, 500, 'Internal server error');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const customer = (body.customer ?? {}) as { number?: unknown };
    const overrides = (body.assistantOverrides ?? {}) as { server?: { url?: unknown; headers?: unknown }; variableValues?: unknown };
    const problems: string[] = [];
    if (typeof body.assistantId !== 'string' || body.assistantId === '') problems.push('assistantId must be a string');
    if (typeof body.phoneNumberId !== 'string' || body.phoneNumberId === '') problems.push('phoneNumberId must be a string');
    if (typeof customer.number !== 'string' || !looksLikeE164(customer.number)) problems.push('customer.number must be a valid phone number in the E.164 format');
    const serverUrl = overrides.server?.url;
    if (serverUrl !== undefined && (typeof serverUrl !== 'string' || !isHttpUrl(serverUrl))) problems.push('assistantOverrides.server.url must be a URL address');
    // The ring time: the Twilio transport configuration's `timeout` (1–600 s, Vapi's default 60).
    const transports = (overrides as { transportConfigurations?: unknown }).transportConfigurations;
    const transport = Array.isArray(transports)
      ? (transports as Array<Record<string, unknown>>).find((t) => t !== null && typeof t === 'object' && t.provider === 'twilio') : undefined;
    const timeoutSeconds = transport?.timeout === undefined ? 60 : Number(transport.timeout);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 600) problems.push('transportConfigurations.timeout must not be greater than 600 nor less than 1');
    if (problems.length) return vapiError(res, 400, problems.join('; '));
    const headers: Record<string, string> = {};
    if (overrides.server?.headers && typeof overrides.server.headers === 'object') {
      for (const [k, v] of Object.entries(overrides.server.headers as Record<string, unknown>)) if (typeof v === 'string') headers[k] = v;
    }
    const call = simulator.create({
      flavor: 'vapi',
      id: randomUUID(),
      callbackHeaders: headers,
      accountSid: 'vapi',
      authToken: '',
      to: customer.number as string,
      from: body.phoneNumberId as string,
      statusCallback: typeof serverUrl === 'string' ? serverUrl : null,
      events: new Set(['ringing', 'answered', 'completed']),
      timeoutSeconds,
      machineDetection: true,
      agent: body.assistantId as string,
      personalization: {
        firstMessage: typeof (overrides as { firstMessage?: unknown }).firstMessage === 'string' ? (overrides as { firstMessage: string }).firstMessage : null,
        variables: overrides.variableValues && typeof overrides.variableValues === 'object' ? overrides.variableValues as Record<string, unknown> : {},
      },
      structuredData: simulator.takeNextAnalysis(customer.number as string),
    });
    res.status(201).json(vapiCallResource(call, base(req)));
  });

  // Vapi's list of calls (newest first) with its filters phoneNumberId and createdAt
  // Gt/Ge/Lt/Le (ISO times); limit up to 1000 (default 100), one page.
  router.get('/call', (req, res) => {
    if (!keys.accepts(req)) return vapiError(res, 401, 'Invalid Key.');
    const q = req.query as Record<string, unknown>;
    const text = (k: string): string | undefined => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    const time = (k: string): number | undefined => {
      const v = text(k);
      return v === undefined ? undefined : Date.parse(v);
    };
    const bounds = { gt: time('createdAtGt'), ge: time('createdAtGe'), lt: time('createdAtLt'), le: time('createdAtLe') };
    if (Object.values(bounds).some((b) => b !== undefined && !Number.isFinite(b))) return vapiError(res, 400, 'createdAt filters must be ISO 8601 times');
    const phoneNumberId = text('phoneNumberId');
    const limit = Math.min(1000, Math.max(1, Number(text('limit') ?? 100) || 100));
    const calls = simulator.list().filter((c) => {
      if (c.flavor !== 'vapi') return false;
      if (phoneNumberId !== undefined && c.from !== phoneNumberId) return false;
      const at = c.createdAt.getTime();
      if (bounds.gt !== undefined && !(at > bounds.gt)) return false;
      if (bounds.ge !== undefined && !(at >= bounds.ge)) return false;
      if (bounds.lt !== undefined && !(at < bounds.lt)) return false;
      if (bounds.le !== undefined && !(at <= bounds.le)) return false;
      return true;
    }).slice(-limit).reverse();
    res.json(calls.map((c) => vapiCallResource(c, base(req))));
  });

  router.get('/call/:id', (req, res) => {
    if (!keys.accepts(req)) return vapiError(res, 401, 'Invalid Key.');
    const call = simulator.get(String(req.params.id));
    if (!call || call.flavor !== 'vapi') return vapiError(res, 404, 'Call not found');
    simulator.countLookup(call);
    res.json(vapiCallResource(call, base(req)));
  });

  // The control URL: no API key (Vapi's control URLs are capability URLs).
  router.post('/call/:id/control', json, (req, res) => {
    const call = simulator.get(String(req.params.id));
    if (!call || call.flavor !== 'vapi') return vapiError(res, 404, 'Call not found');
    if ((req.body as { type?: unknown } | undefined)?.type !== 'end-call') return vapiError(res, 400, 'type must be end-call');
    simulator.hangup(call.sid, 'completed');
    res.status(200).json({ ok: true });
  });

  return router;
}
