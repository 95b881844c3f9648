/**
 * Caller-ID pools with local presence, on real Postgres and Redis: the choice per call (area code,
 * region, default; least used today; daily cap, cool-down, paused; "pool only"), the Redis counts
 * rebuilt from today's attempts after Redis lost everything, and two dialer-worker processes sharing
 * one pool, whose calls reach provider-sim from the numbers kept on their attempts.
 */
import { randomInt } from 'node:crypto';
import axios from 'axios';
import type { Queue } from 'bullmq';
import { encryptSecret, loadConfig, secretsKey } from '@dialer/platform';
import { CallerIdUsage, closeRedis, createQueue, createRedis, dialJobId, QUEUES, type Redis } from '@dialer/queue';
import {
  createTestContext, eventually, freePort, spawnService, startPrivateRedis, type PrivateRedis, type RunningProcess, type TestContext,
} from '@dialer/testing';
import { CallerIdChooser, type CallerIdChoice } from '../src/caller-ids';
import { DialerWorkerConfig } from '../src/config';

jest.setTimeout(90_000);

let ctx: TestContext;
let privateRedis: PrivateRedis;
let redis: Redis;
let tenantId: string;
let connectionId: string;

beforeAll(async () => {
  ctx = await createTestContext('callerids');
  // A Redis of this file's own: the loss test flushes it.
  privateRedis = await startPrivateRedis();
  redis = createRedis(privateRedis.url, 'producer', 'test');
  const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('acme') RETURNING id`);
  tenantId = t.id;
  const [c] = await ctx.ds.query(
    `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed)
     VALUES ($1, 'tw', 'twilio', 'http://127.0.0.1:9', '{"accountSid":"AC1","fromNumber":"+15005550006"}'::jsonb, 'x') RETURNING id`, [tenantId]);
  connectionId = c.id;
});

afterAll(async () => {
  if (redis) await closeRedis(redis);
  await privateRedis?.stop();
  await ctx?.close();
});

interface NumberSpec { number: string; isDefault?: boolean; paused?: boolean; dailyCap?: number; cooldownSeconds?: number }

/** A campaign with its own pool of these numbers; answers the campaign id. */
async function campaignWithPool(numbers: NumberSpec[], poolOnly = false): Promise<string> {
  const [c] = await ctx.ds.query(
    `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id) VALUES ($1, 'c', 'running', $2) RETURNING id`, [tenantId, connectionId]);
  const [p] = await ctx.ds.query(
    `INSERT INTO caller_id_pools (tenant_id, campaign_id, pool_only) VALUES ($1, $2, $3) RETURNING id`, [tenantId, c.id, poolOnly]);
  for (const n of numbers) {
    await ctx.ds.query(
      `INSERT INTO caller_ids (tenant_id, pool_id, number, is_default, paused, daily_cap, cooldown_seconds) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [tenantId, p.id, n.number, n.isDefault ?? false, n.paused ?? false, n.dailyCap ?? null, n.cooldownSeconds ?? 0]);
  }
  return c.id as string;
}

/** A chooser with no pool cache (each choice reads the pool as it is now), on the private Redis. */
function chooser(prefix = `{cid${randomInt(1e9)}}`): CallerIdChooser {
  return new CallerIdChooser(ctx.ds, new CallerIdUsage(redis, prefix), 0);
}

async function choose(ch: CallerIdChooser, campaignId: string, to: string): Promise<CallerIdChoice> {
  return ch.choose({ tenantId, campaignId, connectionId, providerType: 'twilio', to });
}

const numberOf = (c: CallerIdChoice): string => (c.kind === 'pool' ? c.number : c.kind);

describe('choosing a caller id per call', () => {
  test('when the pool has a number with the callee\'s area code, then the call goes out from it', async () => {
    const campaign = await campaignWithPool([{ number: '+12125550100' }, { number: '+14155550100' }, { number: '+13105550100' }]);
    const ch = chooser();
    expect(numberOf(await choose(ch, campaign, '+14155551234'))).toBe('+14155550100');
    expect(numberOf(await choose(ch, campaign, '+14155559876'))).toBe('+14155550100');
    expect(numberOf(await choose(ch, campaign, '+12125551234'))).toBe('+12125550100');
  });

  test('when no number has the area code, then one of the callee\'s state is used, else the pool\'s default', async () => {
    // 310 and 415 are both California; 212 is New York; 312 (Chicago) has neither area code nor state in the pool.
    const campaign = await campaignWithPool([{ number: '+12125550100', isDefault: true }, { number: '+13105550100' }]);
    const ch = chooser();
    expect(numberOf(await choose(ch, campaign, '+14155551234'))).toBe('+13105550100');
    expect(numberOf(await choose(ch, campaign, '+13125551234'))).toBe('+12125550100');
    expect(numberOf(await choose(ch, campaign, '+13125551234'))).toBe('+12125550100');
  });

  test('when several numbers fit, then the least used today is taken, so calls rotate evenly', async () => {
    const pool = ['+12125550101', '+12125550102', '+12125550103'];
    const campaign = await campaignWithPool(pool.map((number) => ({ number })));
    const ch = chooser();
    const used: string[] = [];
    for (let i = 0; i < 9; i++) used.push(numberOf(await choose(ch, campaign, '+12125551234')));
    for (const n of pool) expect(used.filter((u) => u === n)).toHaveLength(3);
    // Each round of three uses every number once.
    expect(new Set(used.slice(0, 3)).size).toBe(3);
  });

  test('when the local number reached its daily cap, then the next tier is used; with every number capped the fixed caller id, or a wait when pool only', async () => {
    const numbers = [{ number: '+12125550100', dailyCap: 2 }, { number: '+17185550100', dailyCap: 1 }];
    const ch = chooser();
    const open = await campaignWithPool(numbers);
    const seq = [];
    for (let i = 0; i < 4; i++) seq.push(numberOf(await choose(ch, open, '+12125551234')));
    expect(seq).toEqual(['+12125550100', '+12125550100', '+17185550100', 'fixed']);
    const strict = await campaignWithPool(numbers, true);
    // The same numbers (counted per tenant and number): still capped, so a pool-only pool waits until the next UTC day.
    const wait = await choose(ch, strict, '+12125551234');
    expect(wait.kind).toBe('wait');
    const untilMidnight = 86_400_000 - (Date.now() % 86_400_000);
    expect(wait.kind === 'wait' && wait.waitMs).toBeGreaterThan(untilMidnight - 60_000);
  });

  test('when a number is cooling down, then another is taken; pool only with all cooling: a wait of at most the cool-down', async () => {
    const ch = chooser();
    const campaign = await campaignWithPool([{ number: '+12125550100', cooldownSeconds: 600 }, { number: '+12125550200', cooldownSeconds: 600 }], true);
    const first = numberOf(await choose(ch, campaign, '+12125551234'));
    const second = numberOf(await choose(ch, campaign, '+12125551234'));
    expect(new Set([first, second])).toEqual(new Set(['+12125550100', '+12125550200']));
    const third = await choose(ch, campaign, '+12125551234');
    expect(third.kind).toBe('wait');
    expect(third.kind === 'wait' && third.waitMs).toBeLessThanOrEqual(600_000);
    expect(third.kind === 'wait' && third.waitMs).toBeGreaterThan(500_000);
  });

  test('when the local number is paused, then it is never chosen; a pool of only paused numbers is no pool (fixed), or a wait when pool only', async () => {
    const ch = chooser();
    const campaign = await campaignWithPool([{ number: '+12125550100', paused: true }, { number: '+17185550100' }]);
    for (let i = 0; i < 3; i++) expect(numberOf(await choose(ch, campaign, '+12125551234'))).toBe('+17185550100');
    const allPaused = await campaignWithPool([{ number: '+12125550100', paused: true }]);
    expect(numberOf(await choose(ch, allPaused, '+12125551234'))).toBe('fixed');
    const strict = await campaignWithPool([{ number: '+12125550100', paused: true }], true);
    expect(await choose(ch, strict, '+12125551234')).toEqual({ kind: 'wait', waitMs: null });
  });

  test('when a campaign has no pool, then its connection\'s pool is used; with neither, the fixed caller id', async () => {
    const ch = chooser();
    const [bare] = await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id) VALUES ($1, 'bare', 'running', $2) RETURNING id`, [tenantId, connectionId]);
    expect(numberOf(await choose(ch, bare.id, '+12125551234'))).toBe('fixed');
    const [p] = await ctx.ds.query(`INSERT INTO caller_id_pools (tenant_id, provider_connection_id) VALUES ($1, $2) RETURNING id`, [tenantId, connectionId]);
    await ctx.ds.query(`INSERT INTO caller_ids (tenant_id, pool_id, number) VALUES ($1, $2, '+19175550100')`, [tenantId, p.id]);
    try {
      expect(numberOf(await choose(ch, bare.id, '+12125551234'))).toBe('+19175550100');
      // A campaign with its own pool overrides the connection's.
      const own = await campaignWithPool([{ number: '+16465550100' }]);
      expect(numberOf(await choose(ch, own, '+12125551234'))).toBe('+16465550100');
    } finally {
      await ctx.ds.query(`DELETE FROM caller_id_pools WHERE id = $1`, [p.id]);
    }
  });
});

describe('the counts after Redis lost them', () => {
  test('when Redis is flushed, then today\'s calls per number are rebuilt from the attempts before the next choice', async () => {
    const ch = chooser('{rebuild}');
    const campaign = await campaignWithPool([{ number: '+12125550300', dailyCap: 3 }, { number: '+12125550400', dailyCap: 3 }]);
    // Today's calls, as the attempts keep them: two from the first number, none from the second
    // (the counts in Redis agree, then Redis loses everything).
    const [lead] = await ctx.ds.query(`INSERT INTO leads (tenant_id, campaign_id, phone_e164) VALUES ($1, $2, '+12125551234') RETURNING id`, [tenantId, campaign]);
    for (const attemptNo of [1, 2, 3]) {
      await ctx.ds.query(
        `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, caller_id, created_at) VALUES ($1, $2, $3, $4, 'twilio', $5, $6)`,
        [tenantId, campaign, lead.id, attemptNo, '+12125550300', attemptNo === 3 ? new Date(Date.now() - 2 * 86_400_000) : new Date()]);
    }
    await privateRedis.flushAll();
    const usage = new CallerIdUsage(redis, '{rebuild}');
    expect(await usage.counts(tenantId)).toEqual({});
    // Least used is the second number (0 today); then one each is left: second (1 < 2), then the first reaches its cap.
    const seq: string[] = [];
    for (let i = 0; i < 5; i++) seq.push(numberOf(await choose(ch, campaign, '+12125551234')));
    expect(seq).toEqual(['+12125550400', '+12125550400', '+12125550300', '+12125550400', 'fixed']);
    expect(await usage.counts(tenantId)).toEqual({ '+12125550300': 3, '+12125550400': 3 });
  });
});

describe('two dialer-worker processes sharing a pool', () => {
  let sim: RunningProcess;
  const workers: RunningProcess[] = [];
  let dialQueue: Queue;

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await dialQueue?.close();
    await sim?.stop();
  });

  test('when 40 leads are dialled by two workers from a pool of two numbers capped at 6 a day, then no number exceeds its cap and each call\'s attempt keeps the number provider-sim received', async () => {
    // Calls ring long and are answered by nobody soon: the test reads how they were created.
    sim = await spawnService('provider-sim', { env: { ...ctx.env, SIM_OUTCOMES: 'completed:1', SIM_RING_SECONDS: '60', LOG_LEVEL: 'error' }, port: await freePort() });
    const env = { ...ctx.env, WEBHOOK_PUBLIC_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'error' };
    const cfg = loadConfig(DialerWorkerConfig, { ...env, DIALER_WORKER_PORT: '0' });
    const config = { accountSid: 'AC0123456789abcdef0123456789abcdef', fromNumber: '+15005550006' };
    const [conn] = await ctx.ds.query(
      `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed) VALUES ($1, 'sim', 'twilio', $2, $3::jsonb, $4) RETURNING id`,
      [tenantId, sim.url, JSON.stringify(config), encryptSecret(JSON.stringify({ authToken: 'tw-token' }), secretsKey(cfg))]);
    const [c] = await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, default_timezone, max_concurrent_calls, calling_window)
       VALUES ($1, 'shared', 'running', $2, 'UTC', 100, $3::jsonb) RETURNING id`,
      [tenantId, conn.id, JSON.stringify({ start: '00:00', end: '23:59', days: [1, 2, 3, 4, 5, 6, 7] })]);
    const [p] = await ctx.ds.query(`INSERT INTO caller_id_pools (tenant_id, provider_connection_id) VALUES ($1, $2) RETURNING id`, [tenantId, conn.id]);
    // UK numbers: no rule pack applies, so the always-open window decides (tests at any hour).
    const pool = ['+447700900001', '+447700900002'];
    for (const n of pool) await ctx.ds.query(`INSERT INTO caller_ids (tenant_id, pool_id, number, daily_cap) VALUES ($1, $2, $3, 6)`, [tenantId, p.id, n]);
    for (let i = 0; i < 2; i++) workers.push(await spawnService('dialer-worker', { env, port: await freePort(), instance: `w${i}` }));

    dialQueue = createQueue('dial', ctx.redis, ctx.queuePrefix);
    const leads: Array<{ id: string }> = await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, timezones, status, attempts)
       SELECT $1, $2, '+447911' || lpad(g::text, 6, '0'), '{UTC}', 'queued', 0 FROM generate_series(1, 40) g RETURNING id`, [tenantId, c.id]);
    await dialQueue.addBulk(leads.map((l) => ({
      name: QUEUES.dial.name, data: { tenantId, campaignId: c.id, leadId: l.id, attemptNo: 1 }, opts: { jobId: dialJobId(l.id, 1) },
    })));
    await eventually(async () => (await ctx.ds.query(`SELECT count(*)::int AS n FROM call_attempts WHERE campaign_id = $1 AND provider_call_id IS NOT NULL`, [c.id]))[0].n === 40,
      { what: '40 calls placed', timeoutMs: 60_000 });

    const calls = (await axios.get<Array<{ sid: string; to: string; from: string }>>(`${sim.url}/sim/calls`)).data;
    const attempts: Array<{ provider_call_id: string; caller_id: string | null }> = await ctx.ds.query(
      `SELECT provider_call_id, caller_id FROM call_attempts WHERE campaign_id = $1`, [c.id]);
    expect(calls).toHaveLength(40);
    const fromOf = new Map(calls.map((call) => [call.sid, call.from]));
    for (const a of attempts) expect(a.caller_id ?? '+15005550006').toBe(fromOf.get(a.provider_call_id));
    // Exactly the caps from the pool (never over), the rest from the connection's fixed number.
    const byFrom = (n: string) => calls.filter((call) => call.from === n).length;
    expect(pool.map(byFrom)).toEqual([6, 6]);
    expect(byFrom('+15005550006')).toBe(28);
    expect(await new CallerIdUsage(ctx.redis, ctx.queuePrefix).counts(tenantId)).toMatchObject({ [pool[0]!]: 6, [pool[1]!]: 6 });
  });

  test('when a Vapi or an Exotel connection has a pool, then the call goes out from the number sharing the longest prefix with the callee (Vapi: its phoneNumberId; Exotel: CallerId), kept on the attempt', async () => {
    const cfg = loadConfig(DialerWorkerConfig, { ...ctx.env, DIALER_WORKER_PORT: '0' });
    const setups = {
      vapi: { config: { assistantId: 'asst-1', phoneNumberId: 'pn-connection' }, secrets: { apiKey: 'vapi-key', webhookSecret: 'vapi-secret-0123456789' } },
      exotel: { config: { accountSid: 'acme', callerId: '08047112345', flowUrl: 'http://my.exotel.com/acme/exoml/start_voice/1' }, secrets: { apiKey: 'k', apiToken: 't', webhookToken: 'ex-hook-token' } },
    };
    for (const [type, setup] of Object.entries(setups)) {
      const [conn] = await ctx.ds.query(
        `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed) VALUES ($1, $2, $2, $3, $4::jsonb, $5) RETURNING id`,
        [tenantId, type, sim.url, JSON.stringify(setup.config), encryptSecret(JSON.stringify(setup.secrets), secretsKey(cfg))]);
      const [c] = await ctx.ds.query(
        `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, default_timezone, max_concurrent_calls, calling_window)
         VALUES ($1, $2, 'running', $3, 'UTC', 5, $4::jsonb) RETURNING id`,
        [tenantId, type, conn.id, JSON.stringify({ start: '00:00', end: '23:59', days: [1, 2, 3, 4, 5, 6, 7] })]);
      const [p] = await ctx.ds.query(`INSERT INTO caller_id_pools (tenant_id, campaign_id) VALUES ($1, $2) RETURNING id`, [tenantId, c.id]);
      for (const [number, id] of [['+447911000001', 'pn-local'], ['+447700900003', 'pn-other']]) {
        await ctx.ds.query(`INSERT INTO caller_ids (tenant_id, pool_id, number, provider_number_id) VALUES ($1, $2, $3, $4)`, [tenantId, p.id, number, id]);
      }
      const phone = `+447911${String(randomInt(100_000, 1_000_000))}`;
      const [l] = await ctx.ds.query(
        `INSERT INTO leads (tenant_id, campaign_id, phone_e164, timezones, status, attempts) VALUES ($1, $2, $3, '{UTC}', 'queued', 0) RETURNING id`,
        [tenantId, c.id, phone]);
      const jobId = dialJobId(l.id as string, 1);
      await dialQueue.add(QUEUES.dial.name, { tenantId, campaignId: c.id, leadId: l.id, attemptNo: 1 }, { jobId });
      await eventually(async () => (await dialQueue.getJobState(jobId)) === 'completed', { what: `${type} dial job completed` });
      const [attempt] = await ctx.ds.query(`SELECT provider_call_id, caller_id FROM call_attempts WHERE lead_id = $1`, [l.id]);
      const call = (await axios.get<Array<{ sid: string; from: string }>>(`${sim.url}/sim/calls`)).data.find((x) => x.sid === attempt.provider_call_id);
      expect({ type, callerId: attempt.caller_id, from: call?.from }).toEqual({ type, callerId: '+447911000001', from: type === 'vapi' ? 'pn-local' : '+447911000001' });
    }
  });
});
