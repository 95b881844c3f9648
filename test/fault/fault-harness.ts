/**
 * A whole stack (every service its own process, several dialer-workers) on a private Postgres
 * cluster and a private redis-server, so a test may flush or restart them without disturbing the
 * test files that run in parallel on the shared servers. Plus the checks every fault scenario ends
 * with: every lead final, stats consistent with the call attempts (recount), never more live calls
 * than the limit (from provider-sim's record), and every (lead, attempt) called at most once.
 */
import axios, { type AxiosInstance } from 'axios';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createDataSource, migrate, recountCampaign, type DataSource } from '@dialer/db';
import { closeRedis, ConcurrencyLease, createQueue, createRedis, dialJobId, type Redis } from '@dialer/queue';
import {
  eventually, freePort, REPO_ROOT, spawnService, startPrivatePostgres, startPrivateRedis, startStack, testPhones,
  zoneWhereLocalHourIs, type PrivatePostgres, type PrivateRedis, type RunningProcess, type Stack, maxLiveCalls } from '@dialer/testing';

export const PREFIX = '{fault}';

/** provider-sim's settings in a fault stack: calls last about a second (ring 4 s and talk 20 s, each 0.5–1.5× its mean, at 0.02). */
export const FAULT_SIM = { timeScale: 0.02, ringSeconds: 4, talkSeconds: 20 } as const;

const execFileAsync = promisify(execFile);

export interface FaultStack {
  pg: PrivatePostgres;
  redisServer: PrivateRedis;
  stack: Stack;
  ds: DataSource;
  redis: Redis;
  api: AxiosInstance;
  tenantId: string;
  workers: RunningProcess[];
  /** Starts one more dialer-worker process. */
  addWorker(label: string): Promise<RunningProcess>;
  close(): Promise<void>;
}

/**
 * `envOverrides` replaces the stack's settings; a key set to undefined is left out (the service's
 * default applies).
 */
export async function startFaultStack(
  label: string, workers = 3, envOverrides: Record<string, string | undefined> = {}, opts: { schedulers?: number } = {},
): Promise<FaultStack> {
  const [pg, redisServer] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  const schema = 'dialer';
  await migrate({ url: pg.url, schema });
  const env: Record<string, string> = {
    DATABASE_URL: pg.url, DB_SCHEMA: schema, REDIS_URL: redisServer.url, QUEUE_PREFIX: PREFIX,
    NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    FEEDER_INTERVAL_MS: '200', FEEDER_ORPHAN_MS: '3000',
    DIALER_LOCK_MS: '3000', DIALER_CONCURRENCY: '10', LEASE_RETRY_MS: '100', DB_POOL_SIZE: '5',
    RECONCILER_INTERVAL_MS: '1000', RECONCILE_GRACE_MS: '4000', RECONCILE_ORPHAN_SLOT_MS: '3000',
    // Calls here last well under a second: a call whose webhooks were given up by provider-sim (the
    // receiver starved under load) is looked up at the provider after seconds, not the default minutes.
    RECONCILE_STALE_RINGING_MS: '8000', RECONCILE_STALE_ANSWERED_MS: '8000', RECONCILE_RECHECK_MS: '2000',
    WEBHOOK_SWEEP_MS: '1000', SHUTDOWN_TIMEOUT_MS: '10000',
  };
  for (const [key, value] of Object.entries(envOverrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const stack = await startStack({
    env,
    serviceEnv: {
      'provider-sim': {
        SIM_TIME_SCALE: String(FAULT_SIM.timeScale), SIM_RING_SECONDS: String(FAULT_SIM.ringSeconds), SIM_TALK_SECONDS: String(FAULT_SIM.talkSeconds),
        SIM_OUTCOMES: 'completed:0.5,busy:0.2,no-answer:0.2,failed:0.1', SIM_SEED: '11',
      },
    },
    workers,
    schedulers: opts.schedulers,
  });
  const ds = createDataSource({ url: pg.url, schema, poolSize: 3 });
  await ds.initialize();
  const redis = createRedis(redisServer.url, 'worker', 'fault-test');
  const { api, tenantId } = await createTenant(stack, `${label} tenant`);
  const workerProcs = [...stack.procs.values()].filter((p) => p.name.startsWith('dialer-worker'));
  const extra: RunningProcess[] = [];
  return {
    pg, redisServer, stack, ds, redis, api, tenantId, workers: workerProcs,
    async addWorker(l: string) {
      const p = await spawnService('dialer-worker', { env: stack.env, port: await freePort(), instance: l });
      extra.push(p);
      workerProcs.push(p);
      return p;
    },
    async close() {
      await Promise.all(extra.map((p) => p.stop()));
      await stack.stop();
      await closeRedis(redis);
      await ds.destroy();
      await Promise.all([pg.stop(), redisServer.stop()]);
    },
  };
}

/**
 * A tenant made with the tenant:create command, and an API client with its admin key. Not spawnSync:
 * blocking this process for seconds would leave the services' log pipes unread (blocking them) and
 * the HTTP client reusing keep-alive sockets the API closed meanwhile.
 */
export async function createTenant(stack: Stack, name: string): Promise<{ api: AxiosInstance; tenantId: string }> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'services/campaign-api/src/cli/create-tenant.ts'), name], {
      env: { ...process.env, ...stack.env }, encoding: 'utf8',
    }));
  } catch (err) {
    throw new Error(`tenant:create failed: ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err });
  }
  const { apiKey, tenantId } = JSON.parse(stdout.trim().split('\n').pop()!) as { tenantId: string; apiKey: string };
  const api = axios.create({ baseURL: `${stack.urls['campaign-api']}/v1`, headers: { Authorization: `Bearer ${apiKey}` }, validateStatus: () => true });
  return { api, tenantId };
}

/** What the campaign helpers below need of a stack (a FaultStack, or another stack such as the Redis Cluster test's). */
/** Runs the operator's `account:shared` CLI (declare a shared provider account, open it to a tenant) against the stack's database. */
export async function operatorSharedAccount(stack: Stack, args: string[]): Promise<void> {
  try {
    await execFileAsync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'services/campaign-api/src/cli/shared-account.ts'), ...args], {
      env: { ...process.env, ...stack.env }, encoding: 'utf8',
    });
  } catch (err) {
    throw new Error(`account:shared ${args[0] ?? ''} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err });
  }
}

export type CampaignStack = Pick<FaultStack, 'stack' | 'ds' | 'redis' | 'api' | 'tenantId'>;

/** What a fault campaign must do: how long it may take to settle follows from it (settleBudgetMs). */
export interface CampaignPlan {
  leads: number;
  /** The campaign's maxConcurrentCalls. */
  limit: number;
  /** Calls at once when a shared budget (tenant, provider account) holds the campaign below its limit; default `limit`. */
  concurrency?: number;
  /** Longest call in real seconds; default a fault stack's longest (FAULT_SIM). */
  callSeconds?: number;
}

/** Attempts per lead and the retry delay of every retried outcome, as startCampaign creates the campaign. */
export const FAULT_MAX_ATTEMPTS = 2;
const FAULT_RETRY_DELAY_SECONDS = 1;

/** A fault stack's longest call in real seconds: ring and talk at 1.5× their means. */
const FAULT_CALL_SECONDS = 1.5 * (FAULT_SIM.ringSeconds + FAULT_SIM.talkSeconds) * FAULT_SIM.timeScale;
/** Per call beyond its duration: dial job, feeder tick (200 ms), webhooks, settling, the slot's release. */
const CALL_OVERHEAD_SECONDS = 1;
/** A fault's own recovery: lock expiry, reconciler grace and stale-call lookups, orphaned slots (seconds each, in startFaultStack's env). */
const RECOVERY_MS = 60_000;
/** Slow or shared machines run several times slower than a quiet one. */
const HEADROOM = 4;
/** Never less than the fixed budget this harness had. */
const MIN_SETTLE_MS = 150_000;

/**
 * How long `expectCampaignSettled` waits for every lead final: the campaign's calls in waves of
 * `concurrency` (every lead at every attempt, each wave the longest call plus overhead), the retry
 * delays between attempts, a fault's recovery, all with HEADROOM for a slow machine.
 */
export function settleBudgetMs(p: CampaignPlan): number {
  const concurrency = Math.max(1, Math.min(p.concurrency ?? p.limit, p.limit));
  const waves = Math.ceil((p.leads * FAULT_MAX_ATTEMPTS) / concurrency);
  const workMs = waves * ((p.callSeconds ?? FAULT_CALL_SECONDS) + CALL_OVERHEAD_SECONDS) * 1000
    + (FAULT_MAX_ATTEMPTS - 1) * FAULT_RETRY_DELAY_SECONDS * 1000;
  return Math.max(MIN_SETTLE_MS, Math.round(HEADROOM * workMs + RECOVERY_MS));
}

/** expectCampaignSettled beyond its wait for every lead final: stats consistent (60 s), slots released (20 s), the checks. */
const AFTER_SETTLE_MS = 90_000;

/**
 * A jest timeout for a test that settles these campaigns one after the other, plus `beforeMs` for
 * what the test does first (start them, kill processes, wait for a state): never shorter than the
 * waits inside, so a slow run fails with expectCampaignSettled's message, not jest's timeout.
 */
export function settleTestTimeoutMs(plans: CampaignPlan[], beforeMs = 120_000): number {
  return beforeMs + plans.reduce((sum, p) => sum + settleBudgetMs(p) + AFTER_SETTLE_MS, 0);
}

export interface FaultCampaign extends CampaignPlan {
  id: string;
}

/** A provider connection to provider-sim and a running campaign of `leads` leads with limit `limit`. */
export async function startCampaign(
  f: CampaignStack, o: CampaignPlan & { seed: number; connection?: Record<string, unknown>; retryPolicy?: Record<string, unknown> },
): Promise<FaultCampaign> {
  const conn = await f.api.post('/provider-connections', {
    ...o.connection,
    name: `sim ${o.seed}`, type: 'twilio', baseUrl: f.stack.urls['provider-sim'], callsPerSecond: 500,
    accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex'), fromNumber: '+14155550100',
  });
  if (conn.status !== 201) throw new Error(`provider connection: ${conn.status} ${JSON.stringify(conn.data)}`);
  // Callees in a zone where it is about noon now, so the campaign's window is open whatever the hour.
  const zone = zoneWhereLocalHourIs(12);
  const retry = { enabled: true, delaySeconds: FAULT_RETRY_DELAY_SECONDS };
  const camp = await f.api.post('/campaigns', {
    name: `fault ${o.seed}`, providerConnectionId: conn.data.id, maxConcurrentCalls: o.limit, maxAttempts: FAULT_MAX_ATTEMPTS,
    defaultTimezone: zone, callingWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6, 7] },
    // Every outcome retried by default, provider_error included: the reconciler closes an attempt
    // whose worker was killed before the provider answered as provider_error (5 min by default).
    retryPolicy: { busy: retry, no_answer: retry, failed: retry, voicemail: retry, provider_error: retry, ...o.retryPolicy },
  });
  if (camp.status !== 201) throw new Error(`campaign: ${camp.status} ${JSON.stringify(camp.data)}`);
  const id = camp.data.id as string;
  const phones = testPhones(o.leads, o.seed);
  const added = await f.api.post(`/campaigns/${id}/leads`, { leads: phones.map((phone) => ({ phone, timezone: zone })) });
  if (added.status !== 201) throw new Error(`leads: ${added.status}`);
  const started = await f.api.post(`/campaigns/${id}/start`);
  if (started.status !== 200) throw new Error(`start: ${started.status}`);
  return { id, leads: o.leads, limit: o.limit, concurrency: o.concurrency, callSeconds: o.callSeconds };
}

/** How many leads of the campaign are done. */
export async function leadsDone(f: CampaignStack, c: FaultCampaign): Promise<number> {
  const [r] = await f.ds.query(`SELECT count(*) FILTER (WHERE status = 'done')::int AS n FROM leads WHERE campaign_id = $1`, [c.id]);
  return r.n as number;
}

interface SimCall {
  sid: string;
  to: string;
  statusCallback: string;
  createdAt: string;
  endedAt: string | null;
}

/**
 * Waits for the campaign to complete, then checks the invariants. Returns figures for the test
 * to print. Throws with the reason when one does not hold.
 */
export async function expectCampaignSettled(f: CampaignStack, c: FaultCampaign): Promise<{ calls: number; attempts: number; maxLive: number }> {
  const budgetMs = settleBudgetMs(c);
  try {
    await eventually(async () => (await leadsDone(f, c)) === c.leads, { timeoutMs: budgetMs, intervalMs: 500, what: 'every lead final' });
  } catch (err) {
    throw new Error(
      `${(err as Error).message} within ${Math.round(budgetMs / 1000)} s (${c.leads} leads × ${FAULT_MAX_ATTEMPTS} attempts, limit ${c.limit}); `
      + `${await settleProgress(f, c)}; first leads not final: ${JSON.stringify(await openLeads(f, c))}`, { cause: err });
  }
  // Every ended attempt folded, counters consistent with a recount from leads and attempts.
  const report = await eventually(async () => {
    const r = await recountCampaign(f.ds, f.tenantId, c.id);
    return r.consistent && r.unfoldedCalls === 0 ? r : undefined;
  }, { timeoutMs: 60_000, intervalMs: 500, what: 'stats consistent with the call attempts' });
  expect(report.differences).toEqual([]);
  // No attempt left open, no slot leaked.
  const [open] = await f.ds.query(`SELECT count(*)::int AS n FROM call_attempts WHERE campaign_id = $1 AND ended_at IS NULL`, [c.id]);
  expect(open.n).toBe(0);
  await eventually(async () => (await new ConcurrencyLease(f.redis, PREFIX).held(c.id)) === 0,
    { timeoutMs: 20_000, what: 'every concurrency slot of the campaign released' });

  // provider-sim's record: each call belongs to a distinct attempt of this campaign, to its lead's number.
  const attempts: Array<{ id: string; lead_id: string; attempt_no: number; phone: string }> = await f.ds.query(
    `SELECT a.id, a.lead_id, a.attempt_no, l.phone_e164 AS phone FROM call_attempts a JOIN leads l ON l.id = a.lead_id WHERE a.campaign_id = $1`, [c.id]);
  const byId = new Map(attempts.map((a) => [a.id, a]));
  const sim = await axios.get<SimCall[]>(`${f.stack.urls['provider-sim']}/sim/calls`);
  const calls = sim.data.filter((s) => byId.has(new URL(s.statusCallback).searchParams.get('attemptId') ?? ''));
  const seen = new Set<string>();
  for (const s of calls) {
    const a = byId.get(new URL(s.statusCallback).searchParams.get('attemptId')!)!;
    expect(s.to).toBe(a.phone);
    const key = `${a.lead_id}#${a.attempt_no}`;
    if (seen.has(key)) throw new Error(`(lead, attempt) ${key} was called twice`);
    seen.add(key);
  }
  // Live calls per campaign never above the limit.
  const maxLive = maxLiveCalls(calls);
  expect(maxLive).toBeLessThanOrEqual(c.limit);
  expect(calls.length).toBeGreaterThan(0);
  return { calls: calls.length, attempts: attempts.length, maxLive };
}

/** Leads by status and the campaign's call attempts by status (open ones apart), for a failure message. */
async function settleProgress(f: CampaignStack, c: FaultCampaign): Promise<string> {
  const leads: Array<{ status: string; n: number }> = await f.ds.query(
    `SELECT status, count(*)::int AS n FROM leads WHERE campaign_id = $1 GROUP BY status ORDER BY status`, [c.id]);
  const attempts: Array<{ status: string; open: boolean; n: number }> = await f.ds.query(
    `SELECT status, ended_at IS NULL AS open, count(*)::int AS n FROM call_attempts WHERE campaign_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`, [c.id]);
  const [camp] = await f.ds.query(`SELECT status FROM campaigns WHERE id = $1`, [c.id]);
  const leadCounts = leads.map((r) => `${r.status} ${r.n}`).join(', ') || 'none';
  const attemptCounts = attempts.map((r) => `${r.status}${r.open ? ' (open)' : ''} ${r.n}`).join(', ') || 'none';
  return `campaign ${camp?.status ?? 'missing'}; leads by status: ${leadCounts}; call attempts by status: ${attemptCounts}`;
}

/** The leads not final, with their attempts and dial job, for a failure message. */
async function openLeads(f: CampaignStack, c: FaultCampaign): Promise<unknown[]> {
  const rows: Array<{ id: string; status: string; attempts: number; next_attempt_at: Date; tries: unknown }> = await f.ds.query(
    `SELECT l.id, l.status, l.attempts, l.next_attempt_at,
            (SELECT json_agg(json_build_object('no', a.attempt_no, 'status', a.status, 'ended', a.ended_at IS NOT NULL,
                    'dialled', a.provider_call_id IS NOT NULL, 'error', a.error))
               FROM call_attempts a WHERE a.lead_id = l.id) AS tries
       FROM leads l WHERE l.campaign_id = $1 AND l.status <> 'done' LIMIT 10`, [c.id]);
  const queue = createQueue('dial', f.redis, PREFIX);
  try {
    return await Promise.all(rows.map(async (r) => {
      const jobId = dialJobId(r.id, r.attempts + 1);
      const job = await queue.getJob(jobId);
      return { ...r, job: job ? { id: jobId, state: await job.getState(), attemptsMade: job.attemptsMade, failedReason: job.failedReason } : null };
    }));
  } finally {
    await queue.close();
  }
}

/** provider-sim's record of the calls placed for these campaigns (found through their attempts). */
export async function simCallsOf(f: CampaignStack, campaignIds: string[]): Promise<SimCall[]> {
  const rows: Array<{ id: string }> = await f.ds.query(`SELECT id FROM call_attempts WHERE campaign_id = ANY($1::uuid[])`, [campaignIds]);
  const ids = new Set(rows.map((r) => r.id));
  const sim = await axios.get<SimCall[]>(`${f.stack.urls['provider-sim']}/sim/calls`);
  return sim.data.filter((s) => ids.has(new URL(s.statusCallback).searchParams.get('attemptId') ?? ''));
}

/** Resolves after a random delay in [minMs, maxMs). */
export function randomPause(minMs: number, maxMs: number): Promise<void> {
  return new Promise((r) => setTimeout(r, minMs + Math.random() * (maxMs - minMs)));
}
