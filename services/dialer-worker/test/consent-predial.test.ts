/**
 * Consent at dial time, the attempt's consent reference, a callback's own agent, and the pre-dial
 * eligibility hook, with the real dialer-worker placing calls on provider-sim (its own process) and
 * a small local HTTP server as the campaign's hook.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import axios from 'axios';
import type { Queue } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { readLeadCounts } from '@dialer/db';
import { createLogger, encryptSecret, loadConfig, secretsKey } from '@dialer/platform';
import { createQueue, dialJobId, QUEUES } from '@dialer/queue';
import { createTestContext, eventually, freePort, spawnService, type RunningProcess, type TestContext } from '@dialer/testing';
import { DialerWorkerConfig } from '../src/config';
import { PreDialClient } from '../src/pre-dial';
import { startService, type RunningService } from '../src/service';

jest.setTimeout(60_000);

const HOOKS = 'http://127.0.0.1:9';
const ALL_DAY = { start: '00:00', end: '23:59', days: [1, 2, 3, 4, 5, 6, 7] };
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** What the hook answers for a lead (by lead id): a JSON body (or raw text), after an optional delay. */
interface HookAnswer { status?: number; json?: unknown; text?: string; delayMs?: number }
interface HookRequest { headers: IncomingHttpHeaders; body: string }

let ctx: TestContext;
let sim: RunningProcess;
let svc: RunningService | undefined;
let dialQueue: Queue;
let cfg: Readonly<DialerWorkerConfig>;
let tenantId: string;
let twilio: string;
let vapi: string;
let hook: Server;
let hookUrl: string;
const answers = new Map<string, HookAnswer>();
const received: HookRequest[] = [];
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  ctx = await createTestContext('consent-predial');
  sim = await spawnService('provider-sim', { env: { ...ctx.env, SIM_OUTCOMES: 'completed:1', SIM_RING_SECONDS: '30', LOG_LEVEL: 'error' }, port: await freePort() });
  cfg = loadConfig(DialerWorkerConfig, { ...ctx.env, DIALER_WORKER_PORT: '0', WEBHOOK_PUBLIC_URL: HOOKS });
  const logger = createLogger({ service: 'dialer-worker', level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  svc = await startService(cfg, logger);
  dialQueue = createQueue('dial', ctx.redis, ctx.queuePrefix);
  const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('acme') RETURNING id`);
  tenantId = t.id;
  twilio = await connection('twilio');
  vapi = await connection('vapi');
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const leadId = (JSON.parse(body) as { data: { leadId: string } }).data.leadId;
      const a = answers.get(leadId) ?? { json: { eligible: true } };
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json' }).end(a.text ?? JSON.stringify(a.json));
      };
      if (a.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, a.delayMs);
        timers.add(t);
      }
      else send();
    });
  });
  hook.keepAliveTimeout = 100;
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/can-call`;
});

afterAll(async () => {
  await svc?.stop();
  await dialQueue?.close();
  await sim?.stop();
  for (const t of timers) clearTimeout(t);
  hook?.closeAllConnections();
  await new Promise((r) => (hook ? hook.close(r) : r(undefined)));
  await ctx?.close();
});

async function connection(type: 'twilio' | 'vapi'): Promise<string> {
  const config = {
    twilio: { accountSid: 'AC0123456789abcdef0123456789abcdef', fromNumber: '+15005550006' },
    vapi: { assistantId: 'asst-connection', phoneNumberId: 'pn-connection' },
  }[type];
  const secrets = { twilio: { authToken: 'tw-token' }, vapi: { apiKey: 'vapi-key', webhookSecret: 'vapi-secret-0123456789' } }[type];
  const [conn] = await ctx.ds.query(
    `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed) VALUES ($1, $2, $2, $3, $4::jsonb, $5) RETURNING id`,
    [tenantId, type, sim.url, JSON.stringify(config), encryptSecret(JSON.stringify(secrets), secretsKey(cfg))]);
  return conn.id as string;
}

interface CampaignFields { connectionId?: string; consentRequired?: string; preDial?: { url: string; timeoutMs: number; onError: 'skip' | 'call' } }

async function campaign(f: CampaignFields = {}): Promise<string> {
  const [c] = await ctx.ds.query(
    `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, default_timezone, max_concurrent_calls, calling_window,
                            consent_required, pre_dial, pre_dial_secret)
     VALUES ($1, 'c', 'running', $2, 'UTC', 5, $3::jsonb, $4, $5::jsonb, $6) RETURNING id`,
    [tenantId, f.connectionId ?? twilio, JSON.stringify(ALL_DAY), f.consentRequired ?? null,
      f.preDial ? JSON.stringify(f.preDial) : null, f.preDial ? encryptSecret(SECRET, secretsKey(cfg)) : null]);
  return c.id as string;
}

/** A lead queued for attempt 1 (UK mobile: no rule pack, the all-day window decides). */
async function queuedLead(campaignId: string): Promise<{ id: string; phone: string }> {
  const phone = `+447911${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  const [l] = await ctx.ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, first_name, timezones, status, attempts, custom)
     VALUES ($1, $2, $3, 'Ada', '{UTC}', 'queued', 0, '{"plan":"gold"}') RETURNING id`, [tenantId, campaignId, phone]);
  return { id: l.id as string, phone };
}

async function consent(leadId: string, type: string): Promise<string> {
  const [k] = await ctx.ds.query(
    `INSERT INTO lead_consents (tenant_id, lead_id, type, recorded_via) VALUES ($1, $2, $3, 'api') RETURNING id`, [tenantId, leadId, type]);
  return k.id as string;
}

/** Adds the lead's dial job and waits for it: its result. */
async function dial(campaignId: string, leadId: string): Promise<{ result: string; attemptId?: string }> {
  const jobId = dialJobId(leadId, 1);
  await dialQueue.add(QUEUES.dial.name, { tenantId, campaignId, leadId, attemptNo: 1 }, { jobId });
  await eventually(async () => (await dialQueue.getJobState(jobId)) === 'completed', { what: `dial job ${jobId} completed` });
  return (await dialQueue.getJob(jobId))!.returnvalue as { result: string; attemptId?: string };
}

async function simCallsTo(phone: string): Promise<Array<{ to: string; agent: string | null }>> {
  return (await axios.get<Array<{ to: string; agent: string | null }>>(`${sim.url}/sim/calls`)).data.filter((c) => c.to === phone);
}

async function leadRow(id: string): Promise<{ status: string; attempts: number; disposition: string | null; disposition_reason: string | null; next_attempt_at: Date }> {
  const [r] = await ctx.ds.query(`SELECT status, attempts, disposition, disposition_reason, next_attempt_at FROM leads WHERE id = $1`, [id]);
  return r;
}

describe('consent at dial time', () => {
  it('when consent is revoked between queueing and dialling, then no call is placed and the lead ends no_consent with the reason', async () => {
    const c = await campaign({ consentRequired: 'express' });
    const lead = await queuedLead(c);
    const k = await consent(lead.id, 'express_written');
    await ctx.ds.query(`UPDATE lead_consents SET revoked_at = now(), revoked_reason = 'asked on the phone' WHERE id = $1`, [k]);

    expect((await dial(c, lead.id)).result).toBe('skipped_consent');
    expect(await simCallsTo(lead.phone)).toEqual([]);
    expect(await leadRow(lead.id)).toMatchObject({
      status: 'done', attempts: 0, disposition: 'no_consent', disposition_reason: 'consent was revoked; the campaign requires express consent',
    });
    const [{ n }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM call_attempts WHERE lead_id = $1`, [lead.id]);
    expect(n).toBe(0);
    // The campaign's counters (its stats and dialing state) count the lead under its disposition.
    expect((await readLeadCounts(ctx.ds, tenantId, c)).dispositions).toEqual({ no_consent: 1 });
  });

  it('when the lead holds the consent the campaign requires, then the call is placed and its attempt names the consent record', async () => {
    const c = await campaign({ consentRequired: 'express' });
    const lead = await queuedLead(c);
    const k = await consent(lead.id, 'express');
    const out = await dial(c, lead.id);
    expect(out.result).toBe('placed');
    expect(await simCallsTo(lead.phone)).toHaveLength(1);
    const [a] = await ctx.ds.query(`SELECT consent_id FROM call_attempts WHERE id = $1`, [out.attemptId]);
    expect(a.consent_id).toBe(k);
  });
});

describe('a callback through its own agent', () => {
  it('when a lead\'s pending callback names an agent, then provider-sim receives that agent instead of the campaign\'s', async () => {
    const c = await campaign({ connectionId: vapi });
    const lead = await queuedLead(c);
    await ctx.ds.query(
      `INSERT INTO callbacks (tenant_id, campaign_id, lead_id, source, requested_at, due_at, prior_status, prior_next_attempt_at, agent_override)
       VALUES ($1, $2, $3, 'api', now(), now(), 'pending', now(), 'asst-callback-only')`, [tenantId, c, lead.id]);
    expect((await dial(c, lead.id)).result).toBe('placed');
    expect(await simCallsTo(lead.phone)).toMatchObject([{ agent: 'asst-callback-only' }]);

    const other = await queuedLead(c);
    expect((await dial(c, other.id)).result).toBe('placed');
    expect(await simCallsTo(other.phone)).toMatchObject([{ agent: 'asst-connection' }]);
  });
});

describe('pre-dial eligibility hook', () => {
  const skip = (timeoutMs = 2000) => ({ url: hookUrl, timeoutMs, onError: 'skip' as const });

  it('when the hook answers eligible, then the call is placed, and the request verifies with the standardwebhooks verifier', async () => {
    const c = await campaign({ preDial: skip() });
    const lead = await queuedLead(c);
    expect((await dial(c, lead.id)).result).toBe('placed');
    expect(await simCallsTo(lead.phone)).toHaveLength(1);
    const req = received.find((r) => r.body.includes(lead.id))!;
    const verified = new Webhook(SECRET).verify(req.body, req.headers as Record<string, string>) as { type: string; tenantId: string; data: Record<string, unknown> };
    expect(verified).toMatchObject({
      type: 'lead.pre_dial', tenantId,
      data: { leadId: lead.id, campaignId: c, attemptNo: 1, phone: lead.phone, firstName: 'Ada', custom: { plan: 'gold' } },
    });
    expect(() => new Webhook('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').verify(req.body, req.headers as Record<string, string>)).toThrow();
  });

  it('when the hook refuses with retryAt, then no call is placed and the lead is due then without spending an attempt', async () => {
    const c = await campaign({ preDial: skip() });
    const lead = await queuedLead(c);
    const retryAt = new Date(Date.now() + 3_600_000);
    answers.set(lead.id, { json: { eligible: false, reason: 'in a billing dispute', retryAt: retryAt.toISOString() } });
    expect((await dial(c, lead.id)).result).toBe('predial_retry');
    expect(await simCallsTo(lead.phone)).toEqual([]);
    expect(await leadRow(lead.id)).toMatchObject({ status: 'pending', attempts: 0, disposition: null, next_attempt_at: retryAt });
  });

  it('when the hook refuses without retryAt, then the lead ends predial_refused with the reason kept', async () => {
    const c = await campaign({ preDial: skip() });
    const lead = await queuedLead(c);
    answers.set(lead.id, { json: { eligible: false, reason: 'customer closed the account' } });
    expect((await dial(c, lead.id)).result).toBe('predial_refused');
    expect(await simCallsTo(lead.phone)).toEqual([]);
    expect(await leadRow(lead.id)).toMatchObject({ status: 'done', attempts: 0, disposition: 'predial_refused', disposition_reason: 'customer closed the account' });
    expect((await readLeadCounts(ctx.ds, tenantId, c)).dispositions).toEqual({ predial_refused: 1 });
  });

  it('when the hook does not answer in time and the campaign skips on error, then no call is placed and the lead waits, no attempt spent', async () => {
    const c = await campaign({ preDial: skip(150) });
    const lead = await queuedLead(c);
    answers.set(lead.id, { json: { eligible: true }, delayMs: 3_000 });
    expect((await dial(c, lead.id)).result).toBe('predial_error');
    expect(await simCallsTo(lead.phone)).toEqual([]);
    const row = await leadRow(lead.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(row.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
  });

  it('when the hook does not answer in time and the campaign calls on error, then the call is placed', async () => {
    const c = await campaign({ preDial: { url: hookUrl, timeoutMs: 150, onError: 'call' } });
    const lead = await queuedLead(c);
    answers.set(lead.id, { json: { eligible: false }, delayMs: 3_000 });
    expect((await dial(c, lead.id)).result).toBe('placed');
    expect(await simCallsTo(lead.phone)).toHaveLength(1);
  });

  it('when the hook answers something that is not the expected JSON, then it is an error: the default skips the call', async () => {
    const c = await campaign({ preDial: skip() });
    const bad = await queuedLead(c);
    answers.set(bad.id, { text: '<html>ok</html>' });
    expect((await dial(c, bad.id)).result).toBe('predial_error');
    const noFlag = await queuedLead(c);
    answers.set(noFlag.id, { json: { ok: true } });
    expect((await dial(c, noFlag.id)).result).toBe('predial_error');
    const failing = await queuedLead(c);
    answers.set(failing.id, { status: 500, json: { eligible: true } });
    expect((await dial(c, failing.id)).result).toBe('predial_error');
    for (const l of [bad, noFlag, failing]) expect(await simCallsTo(l.phone)).toEqual([]);
  });

  it('when consent is revoked while the hook is deciding, then the call is not placed', async () => {
    const c = await campaign({ consentRequired: 'express', preDial: skip() });
    const lead = await queuedLead(c);
    const k = await consent(lead.id, 'express');
    answers.set(lead.id, { json: { eligible: true }, delayMs: 400 });
    const jobId = dialJobId(lead.id, 1);
    await dialQueue.add(QUEUES.dial.name, { tenantId, campaignId: c, leadId: lead.id, attemptNo: 1 }, { jobId });
    await eventually(async () => received.some((r) => r.body.includes(lead.id)), { what: 'the hook was asked' });
    await ctx.ds.query(`UPDATE lead_consents SET revoked_at = now(), revoked_reason = 'revoked' WHERE id = $1`, [k]);
    await eventually(async () => (await dialQueue.getJobState(jobId)) === 'completed', { what: 'dial job completed' });
    expect((await dialQueue.getJob(jobId))!.returnvalue).toMatchObject({ result: 'skipped_consent' });
    expect(await simCallsTo(lead.phone)).toEqual([]);
  });
});

describe('pre-dial SSRF guard', () => {
  it('when private targets are not allowed (production), then a hook on a loopback address is refused at connect time and never reached', async () => {
    const client = new PreDialClient({ secretsKey: secretsKey(cfg), allowPrivate: false });
    const before = received.length;
    try {
      const byName = await client.check({ url: hookUrl.replace('127.0.0.1', 'localhost'), timeoutMs: 2000, onError: 'skip' },
        encryptSecret(SECRET, secretsKey(cfg)), {
          tenantId, campaignId: tenantId, leadId: tenantId, attemptNo: 1, phone: '+447911000000', firstName: null, lastName: null, email: null, custom: {},
        });
      expect(byName).toEqual({ kind: 'error', reason: 'the hook\'s address is private, loopback or link-local (refused in production)' });
      const byIp = await client.check({ url: hookUrl, timeoutMs: 2000, onError: 'skip' }, encryptSecret(SECRET, secretsKey(cfg)), {
        tenantId, campaignId: tenantId, leadId: tenantId, attemptNo: 1, phone: '+447911000000', firstName: null, lastName: null, email: null, custom: {},
      });
      expect(byIp.kind).toBe('error');
      expect(received.length).toBe(before);
    } finally {
      client.close();
    }
  });
});
