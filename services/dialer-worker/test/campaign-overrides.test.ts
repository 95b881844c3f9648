/**
 * A campaign's own agent or flow, caller id and ring timeout reach the provider in its own wire
 * format: the dialer-worker places real calls on provider-sim (its own process, the outside world),
 * which records what each call was created with (GET /sim/calls).
 */
import { randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import axios from 'axios';
import type { Queue } from 'bullmq';
import { createLogger, encryptSecret, loadConfig, secretsKey } from '@dialer/platform';
import { createQueue, dialJobId, QUEUES } from '@dialer/queue';
import { createTestContext, eventually, freePort, spawnService, type RunningProcess, type TestContext } from '@dialer/testing';
import { DialerWorkerConfig } from '../src/config';
import { startService, type RunningService } from '../src/service';

jest.setTimeout(60_000);

/** Nobody listens there: the sim's status callbacks go nowhere (this test reads the sim's own record). */
const HOOKS = 'http://127.0.0.1:9';
const ALL_DAY = { start: '00:00', end: '23:59', days: [1, 2, 3, 4, 5, 6, 7] };

interface SimCallView {
  flavor: string;
  to: string;
  from: string;
  agent: string | null;
  timeoutSeconds: number;
}

let ctx: TestContext;
let sim: RunningProcess;
let svc: RunningService | undefined;
let dialQueue: Queue;
let cfg: Readonly<DialerWorkerConfig>;
let tenantId: string;

beforeAll(async () => {
  ctx = await createTestContext('overrides');
  // Calls ring long and are answered by nobody soon: the test only reads how they were created.
  sim = await spawnService('provider-sim', { env: { ...ctx.env, SIM_OUTCOMES: 'completed:1', SIM_RING_SECONDS: '30', LOG_LEVEL: 'error' }, port: await freePort() });
  cfg = loadConfig(DialerWorkerConfig, { ...ctx.env, DIALER_WORKER_PORT: '0', WEBHOOK_PUBLIC_URL: HOOKS });
  const logger = createLogger({ service: 'dialer-worker', level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  svc = await startService(cfg, logger);
  dialQueue = createQueue('dial', ctx.redis, ctx.queuePrefix);
  const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('acme') RETURNING id`);
  tenantId = t.id;
});

afterAll(async () => {
  await svc?.stop();
  await dialQueue?.close();
  await sim?.stop();
  await ctx?.close();
});

async function connection(type: 'twilio' | 'vapi' | 'exotel'): Promise<string> {
  const config = {
    twilio: { accountSid: 'AC0123456789abcdef0123456789abcdef', fromNumber: '+15005550006' },
    vapi: { assistantId: 'asst-connection', phoneNumberId: 'pn-connection' },
    exotel: { accountSid: 'acme', callerId: '08047112345', flowUrl: 'http://my.exotel.com/acme/exoml/start_voice/1' },
  }[type];
  const secrets = {
    twilio: { authToken: 'tw-token' },
    vapi: { apiKey: 'vapi-key', webhookSecret: 'vapi-secret-0123456789' },
    exotel: { apiKey: 'ex-key', apiToken: 'ex-token', webhookToken: 'ex-hook-token' },
  }[type];
  const [conn] = await ctx.ds.query(
    `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed) VALUES ($1, $2, $2, $3, $4::jsonb, $5) RETURNING id`,
    [tenantId, type, sim.url, JSON.stringify(config), encryptSecret(JSON.stringify(secrets), secretsKey(cfg))]);
  return conn.id as string;
}

/** A running campaign on the connection with one lead queued for attempt 1; its dial job is added and done. Answers the callee's number. */
async function dialOne(connectionId: string, fields: { agent?: string; callerId?: string; ring?: number }): Promise<string> {
  const [c] = await ctx.ds.query(
    `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, default_timezone, max_concurrent_calls, calling_window,
                            agent_override, caller_id_override, ring_timeout_seconds)
     VALUES ($1, 'c', 'running', $2, 'UTC', 5, $3::jsonb, $4, $5, $6) RETURNING id`,
    [tenantId, connectionId, JSON.stringify(ALL_DAY), fields.agent ?? null, fields.callerId ?? null, fields.ring ?? 30]);
  // UK mobile numbers: no rule pack applies, so the always-open window decides (tests at any hour).
  const phone = `+447911${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  const [l] = await ctx.ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, first_name, timezones, status, attempts)
     VALUES ($1, $2, $3, 'Ada', '{UTC}', 'queued', 0) RETURNING id`, [tenantId, c.id, phone]);
  const jobId = dialJobId(l.id as string, 1);
  await dialQueue.add(QUEUES.dial.name, { tenantId, campaignId: c.id, leadId: l.id, attemptNo: 1 }, { jobId });
  await eventually(async () => (await dialQueue.getJobState(jobId)) === 'completed', { what: `dial job ${jobId} completed` });
  expect((await dialQueue.getJob(jobId))?.returnvalue).toMatchObject({ result: 'placed' });
  return phone;
}

async function simCallTo(phone: string): Promise<SimCallView> {
  const calls = (await axios.get<SimCallView[]>(`${sim.url}/sim/calls`)).data.filter((c) => c.to === phone);
  expect(calls).toHaveLength(1);
  return calls[0]!;
}

describe('per-campaign agent, caller id and ring timeout', () => {
  it('when a Twilio campaign names a TwiML URL, a caller id and 20 s, then the call is created with Url, From and Timeout of the campaign', async () => {
    const conn = await connection('twilio');
    const overridden = await dialOne(conn, { agent: 'https://twiml.example.com/agent-b.xml', callerId: '+14155550199', ring: 20 });
    expect(await simCallTo(overridden)).toMatchObject({ flavor: 'twilio', agent: 'https://twiml.example.com/agent-b.xml', from: '+14155550199', timeoutSeconds: 20 });
    const app = await dialOne(conn, { agent: 'AP0123456789abcdef0123456789abcdef' });
    expect(await simCallTo(app)).toMatchObject({ agent: 'AP0123456789abcdef0123456789abcdef', from: '+15005550006', timeoutSeconds: 30 });
    // Without overrides: the connection's caller id, the spoken script, 30 s as before.
    const plain = await dialOne(conn, {});
    expect(await simCallTo(plain)).toMatchObject({ agent: 'Twiml', from: '+15005550006', timeoutSeconds: 30 });
  });

  it('when a Vapi campaign names an assistant and 15 s, then the call uses that assistant and rings 15 s', async () => {
    const conn = await connection('vapi');
    const overridden = await dialOne(conn, { agent: 'asst-campaign-b', ring: 15 });
    expect(await simCallTo(overridden)).toMatchObject({ flavor: 'vapi', agent: 'asst-campaign-b', from: 'pn-connection', timeoutSeconds: 15 });
    const plain = await dialOne(conn, {});
    expect(await simCallTo(plain)).toMatchObject({ agent: 'asst-connection', timeoutSeconds: 30 });
  });

  it('when an Exotel campaign names a flow id, a caller id and 45 s, then the callee is connected to that flow with CallerId and TimeOut of the campaign', async () => {
    const conn = await connection('exotel');
    const overridden = await dialOne(conn, { agent: '777', callerId: '08047112399', ring: 45 });
    expect(await simCallTo(overridden)).toMatchObject({
      flavor: 'exotel', agent: 'http://my.exotel.com/acme/exoml/start_voice/777', from: '08047112399', timeoutSeconds: 45,
    });
    // Without overrides: the connection's flow and ExoPhone.
    const plain = await dialOne(conn, {});
    expect(await simCallTo(plain)).toMatchObject({ agent: 'http://my.exotel.com/acme/exoml/start_voice/1', from: '08047112345', timeoutSeconds: 30 });
  });
});
