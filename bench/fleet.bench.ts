/**
 * A fleet, not one campaign: T tenants × C running campaigns × L leads, limits per campaign and per
 * tenant, every service its own process (N dialer-workers, the scheduler's feeder, webhook-ingest
 * applying provider-sim's callbacks, which frees the slots), on a private Postgres cluster. In the
 * same run and on the same stack, the single-campaign case: one campaign whose limit is the fleet's
 * whole concurrency. Reports dials/s of both and their ratio, the scheduler's (feeder's) and
 * Postgres's CPU per dial, Jain's fairness index over dials per campaign while saturated, the most
 * live calls over any limit (campaign, tenant) and double dials from provider-sim's record, and the
 * transactions per second at idle with 100 and 1,000 running campaigns that have nothing due.
 *   pnpm bench fleet [--tenants 100 --campaigns 10 --leads 1000 --campaign-limit 5 --tenant-limit 30
 *                     --workers 4 --seconds 30 --warmup 10 --idle-seconds 10]
 *   FLEET_DEBUG=1 prints, after each phase (stderr): open attempts and webhook counts, call length, apply
 *   lag and attempt-to-dial percentiles, dials per campaign and per tenant (quantiles), the window's
 *   attempts by status, and the statements that cost Postgres most.
 *   small: pnpm bench fleet --tenants 5 --campaigns 2 --leads 50 --seconds 5 --warmup 3 --idle-seconds 3
 */

/** One line for `pnpm bench` (the list). */
export const summary = 'many tenants and campaigns under nested limits: dials/s against one campaign, fairness, idle feeder cost';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createDataSource, migrate, type DataSource } from '@dialer/db';
import { encryptSecret } from '@dialer/platform';
import { maxLiveCalls, startPrivatePostgres, startStack, testPhones, zoneWhereLocalHourIs, type Stack } from '@dialer/testing';
import { commandCpuSeconds, treeCpuSeconds } from './lib/cpu';

const SECRETS_KEY = 'bench-secrets-key-0123456789abcdef';
const SCHEMA = 'dialer';

interface SimCall { statusCallback: string; createdAt: string; endedAt: string | null }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The postmaster of the private cluster listening on `port` (its backends are its children). */
function postmasterPid(port: number): number {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.endsWith('postgres') && cmd.includes(String(port))) return Number(d);
    } catch {
      /* gone */
    }
  }
  return 0;
}

/** Jain's fairness index: 1 when every amount is equal, 1/n when one has everything. */
function jain(xs: number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0);
  const sq = xs.reduce((a, b) => a + b * b, 0);
  return sq === 0 ? 1 : (sum * sum) / (xs.length * sq);
}

interface Seeded { tenantId: string; campaignIds: string[] }

/** A tenant (its limit), one connection to provider-sim, and `campaigns` draft campaigns of `leads` due leads each. */
async function seedTenant(ds: DataSource, simUrl: string, o: {
  name: string; tenantLimit: number | null; campaigns: number; campaignLimit: number; leads: number; seed: number;
}): Promise<Seeded> {
  const [tenant] = await ds.query(`INSERT INTO tenants (name, max_concurrent_calls) VALUES ($1, $2) RETURNING id`, [o.name, o.tenantLimit]);
  const [conn] = await ds.query(
    `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed, calls_per_second)
     VALUES ($1, 'sim', 'twilio', $2, $3, $4, 99999) RETURNING id`,
    [tenant.id, simUrl, JSON.stringify({ accountSid: `AC${randomBytes(16).toString('hex')}`, fromNumber: '+14155550100' }),
      encryptSecret(JSON.stringify({ authToken: randomBytes(12).toString('hex') }), SECRETS_KEY)]);
  const zone = zoneWhereLocalHourIs(12);
  const window = JSON.stringify({ start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] });
  const campaigns: Array<{ id: string }> = await ds.query(
    `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, max_concurrent_calls, default_timezone, calling_window, max_attempts)
     SELECT $1, 'fleet ' || g, 'draft', $2, $3, $4, $5, 1 FROM generate_series(1, $6) g RETURNING id`,
    [tenant.id, conn.id, o.campaignLimit, zone, window, o.campaigns]);
  const phones = testPhones(o.leads, o.seed);
  await ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, next_attempt_at)
     SELECT $1, c, p, now() - interval '1 minute' FROM unnest($2::uuid[]) AS c, unnest($3::text[]) AS p`,
    [tenant.id, campaigns.map((c) => c.id), phones]);
  return { tenantId: tenant.id, campaignIds: campaigns.map((c) => c.id) };
}

interface Phase { dials: number; seconds: number; schedulerCpuS: number; postgresCpuS: number; perCampaign: Map<string, number> }

/** Runs the campaigns for warmup + seconds; counts the attempts created in the measured window. */
async function runPhase(ds: DataSource, stack: Stack, pgPid: number, campaignIds: string[], warmupS: number, seconds: number): Promise<Phase> {
  const scheduler = stack.procs.get('scheduler')!;
  await ds.query(`UPDATE campaigns SET status = 'running', started_at = now() WHERE id = ANY($1::uuid[])`, [campaignIds]);
  await sleep(warmupS * 1000);
  if (process.env.FLEET_DEBUG) await ds.query(`SELECT public.pg_stat_statements_reset()`);
  const cpu = () => ({ scheduler: treeCpuSeconds(scheduler.child.pid ?? 0), postgres: pgPid ? treeCpuSeconds(pgPid) : commandCpuSeconds(/^postgres$/) });
  const [{ t0 }] = await ds.query(`SELECT now() AS t0`);
  const c0 = cpu();
  const started = performance.now();
  await sleep(seconds * 1000);
  const c1 = cpu();
  const elapsed = (performance.now() - started) / 1000;
  const [{ t1 }] = await ds.query(`SELECT now() AS t1`);
  await ds.query(`UPDATE campaigns SET status = 'paused' WHERE id = ANY($1::uuid[])`, [campaignIds]);
  if (process.env.FLEET_DEBUG) {
    process.stderr.write(`${JSON.stringify(await ds.query(
      `SELECT (SELECT count(*) FROM call_attempts WHERE ended_at IS NULL)::int AS open, (SELECT count(*) FROM call_attempts)::int AS attempts,
              (SELECT count(*) FROM webhook_events)::int AS webhooks, (SELECT json_agg(DISTINCT status) FROM call_attempts) AS statuses,
              (SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM ended_at - created_at)) FROM call_attempts WHERE ended_at IS NOT NULL) AS call_s,
              (SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM applied_at - received_at)) FROM webhook_events WHERE applied_at IS NOT NULL) AS apply_lag_s,
              (SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM dialed_at - created_at)) FROM call_attempts WHERE dialed_at IS NOT NULL) AS to_dial_s`))}\n`);
    const top: Array<{ ms: number; calls: number; query: string }> = await ds.query(
      `SELECT round(total_exec_time)::int AS ms, calls::int, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
         FROM public.pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12`);
    for (const t of top) process.stderr.write(`  ${String(t.ms).padStart(7)} ms ${String(t.calls).padStart(8)} calls  ${t.query}\n`);
  }
  const rows: Array<{ campaign_id: string; n: number }> = await ds.query(
    `SELECT campaign_id, count(*)::int AS n FROM call_attempts
      WHERE campaign_id = ANY($1::uuid[]) AND created_at >= $2 AND created_at < $3 GROUP BY campaign_id`, [campaignIds, t0, t1]);
  const perCampaign = new Map(campaignIds.map((id) => [id, 0]));
  for (const r of rows) perCampaign.set(r.campaign_id, r.n);
  if (process.env.FLEET_DEBUG) {
    // How dials spread over campaigns and tenants, and the calls that held a slot for long (what lowers Jain).
    const q = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return [0, 0.1, 0.5, 0.9, 1].map((p) => s[Math.min(s.length - 1, Math.floor(p * s.length))]);
    };
    const spread = await ds.query(
      `SELECT (SELECT json_agg(n ORDER BY n) FROM (SELECT count(*)::int AS n FROM call_attempts
                WHERE campaign_id = ANY($1::uuid[]) AND created_at >= $2 AND created_at < $3 GROUP BY tenant_id) t) AS per_tenant,
              (SELECT json_object_agg(k, n) FROM (SELECT status || '/' || coalesce(outcome, '-') || '/' || coalesce((extract(epoch FROM ended_at - created_at) > 10)::text, 'open') AS k,
                count(*)::int AS n FROM call_attempts WHERE campaign_id = ANY($1::uuid[]) AND created_at >= $2 AND created_at < $3 GROUP BY 1) x) AS ends`,
      [campaignIds, t0, t1]);
    const perTenant = (spread[0].per_tenant ?? []) as number[];
    process.stderr.write(`${JSON.stringify({ per_campaign_q: q([...perCampaign.values()]), per_tenant_q: q(perTenant), ends: spread[0].ends })}\n`);
  }
  // Let the live calls end, so the next phase starts from free slots.
  for (let i = 0; i < 60; i++) {
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM call_attempts WHERE ended_at IS NULL`);
    if (n === 0) break;
    await sleep(500);
  }
  return {
    dials: [...perCampaign.values()].reduce((a, b) => a + b, 0), seconds: elapsed,
    schedulerCpuS: c1.scheduler - c0.scheduler, postgresCpuS: c1.postgres - c0.postgres, perCampaign,
  };
}

/** Transactions per second committed in the bench's database over `seconds` (every statement outside a transaction is one). */
async function transactionsPerSecond(ds: DataSource, seconds: number): Promise<number> {
  const read = async (): Promise<number> =>
    Number((await ds.query(`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`))[0].n);
  await ds.query(`SELECT pg_stat_clear_snapshot()`);
  const a = await read();
  await sleep(seconds * 1000);
  await ds.query(`SELECT pg_stat_clear_snapshot()`);
  const b = await read();
  return (b - a - 2) / seconds; // less this function's own two reads
}

export async function run(args: Record<string, string>): Promise<Record<string, unknown>> {
  const tenants = Number(args.tenants ?? 100);
  const perTenant = Number(args.campaigns ?? 10);
  const leads = Number(args.leads ?? 1000);
  const campaignLimit = Number(args['campaign-limit'] ?? 5);
  const tenantLimit = Number(args['tenant-limit'] ?? 30);
  const workers = Number(args.workers ?? 4);
  const seconds = Number(args.seconds ?? 30);
  const warmup = Number(args.warmup ?? 10);
  const idleSeconds = Number(args['idle-seconds'] ?? 10);
  const fleetConcurrency = tenants * Math.min(tenantLimit, perTenant * campaignLimit);

  // FLEET_DEBUG: the statements that cost Postgres the most, per phase (pg_stat_statements).
  // and the plans of statements over a second (auto_explain, printed from the server's log at the end).
  const pg = await startPrivatePostgres(process.env.FLEET_DEBUG
    ? { shared_preload_libraries: 'pg_stat_statements,auto_explain', 'auto_explain.log_min_duration': '1000', 'auto_explain.log_analyze': 'on' }
    : {});
  let stack: Stack | undefined;
  let ds: DataSource | undefined;
  try {
    await migrate({ url: pg.url, schema: SCHEMA });
    ds = createDataSource({ url: pg.url, schema: SCHEMA, poolSize: 4 });
    await ds.initialize();
    if (process.env.FLEET_DEBUG) await ds.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA public`);
    stack = await startStack({
      env: {
        DATABASE_URL: pg.url, DB_SCHEMA: SCHEMA, REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
        QUEUE_PREFIX: `{fleet${randomBytes(4).toString('hex')}}`, SECRETS_KEY, NODE_ENV: 'test', LOG_LEVEL: args['log-level'] ?? 'error',
      },
      serviceEnv: { 'provider-sim': { SIM_TIME_SCALE: '0.01', SIM_OUTCOMES: 'completed:1' } },
      workers,
      ...(args['log-level'] ? { echo: process.stderr } : {}),
    });
    const simUrl = stack.urls['provider-sim'];
    const pgPid = postmasterPid(pg.port);

    // The single campaign: the fleet's whole concurrency in one campaign, leads for the whole phase.
    const single = await seedTenant(ds, simUrl, {
      name: 'single', tenantLimit: null, campaigns: 1, campaignLimit: fleetConcurrency,
      leads: Math.max(leads, (warmup + seconds) * 2000), seed: 1,
    });
    const fleet: Seeded[] = [];
    for (let t = 0; t < tenants; t++) {
      fleet.push(await seedTenant(ds, simUrl, { name: `tenant ${t}`, tenantLimit, campaigns: perTenant, campaignLimit, leads, seed: 100 + t }));
    }

    // Idle first, on a quiet stack: only campaigns with nothing due (a lead due tomorrow each) run,
    // the fleet's are drafts yet; then they are stopped, so they do not count in the phases below.
    const [idleTenant] = await ds.query(`INSERT INTO tenants (name) VALUES ('idle') RETURNING id`);
    const addIdle = (n: number) => ds!.query(
      `WITH c AS (INSERT INTO campaigns (tenant_id, name, status, started_at)
                  SELECT $1, 'idle ' || g, 'running', now() FROM generate_series(1, $2) g RETURNING id)
       INSERT INTO leads (tenant_id, campaign_id, phone_e164, next_attempt_at)
       SELECT $1, c.id, '+14155550100', now() + interval '1 day' FROM c`, [idleTenant.id, n]);
    // ANALYZE first: an autovacuum analyze of the new rows would count in the window otherwise.
    const settle = async () => {
      await ds!.query('ANALYZE');
      await sleep(3000);
    };
    await addIdle(100);
    await settle();
    const idle100 = await transactionsPerSecond(ds, idleSeconds);
    await addIdle(900);
    await settle();
    const idle1000 = await transactionsPerSecond(ds, idleSeconds);
    await ds.query(`UPDATE campaigns SET status = 'stopped' WHERE tenant_id = $1`, [idleTenant.id]);

    const one = await runPhase(ds, stack, pgPid, single.campaignIds, warmup, seconds);
    const fleetIds = fleet.flatMap((f) => f.campaignIds);
    const many = await runPhase(ds, stack, pgPid, fleetIds, warmup, seconds);

    // provider-sim's record: live calls per campaign and per tenant never above their limits; no attempt called twice.
    const calls = (await (await fetch(`${simUrl}/sim/calls`)).json()) as SimCall[];
    const attempts: Array<{ id: string; campaign_id: string; tenant_id: string; lead_id: string; attempt_no: number }> = await ds.query(
      `SELECT id, campaign_id, tenant_id, lead_id, attempt_no FROM call_attempts WHERE campaign_id = ANY($1::uuid[])`, [fleetIds]);
    const byId = new Map(attempts.map((a) => [a.id, a]));
    const byCampaign = new Map<string, SimCall[]>();
    const byTenant = new Map<string, SimCall[]>();
    const perAttempt = new Map<string, number>();
    for (const c of calls) {
      const a = byId.get(new URL(c.statusCallback).searchParams.get('attemptId') ?? '');
      if (!a) continue;
      byCampaign.set(a.campaign_id, [...(byCampaign.get(a.campaign_id) ?? []), c]);
      byTenant.set(a.tenant_id, [...(byTenant.get(a.tenant_id) ?? []), c]);
      const key = `${a.lead_id}#${a.attempt_no}`;
      perAttempt.set(key, (perAttempt.get(key) ?? 0) + 1);
    }
    let overLimit = 0;
    for (const cs of byCampaign.values()) overLimit = Math.max(overLimit, maxLiveCalls(cs) - campaignLimit);
    for (const cs of byTenant.values()) overLimit = Math.max(overLimit, maxLiveCalls(cs) - tenantLimit);
    const doubleDials = [...perAttempt.values()].filter((n) => n > 1).length;

    // Postgres: the private cluster's live processes; a backend that exits in the window takes its CPU
    // time with it, so that figure is a floor (never below 0).
    const perDial = (cpuS: number, dials: number) => Number(((Math.max(0, cpuS) * 1000) / Math.max(1, dials)).toFixed(3));
    const dialsPerS = many.dials / many.seconds;
    const singlePerS = one.dials / one.seconds;
    return {
      dials_per_s: Math.round(dialsPerS),
      single_dials_per_s: Math.round(singlePerS),
      ratio: singlePerS > 0 ? Number((dialsPerS / singlePerS).toFixed(3)) : null,
      jain: Number(jain([...many.perCampaign.values()]).toFixed(4)),
      over_limit: Math.max(0, overLimit),
      double_dials: doubleDials,
      feeder_cpu_ms_per_dial: perDial(many.schedulerCpuS, many.dials),
      single_feeder_cpu_ms_per_dial: perDial(one.schedulerCpuS, one.dials),
      idle_queries_per_s_100: Number(idle100.toFixed(1)),
      idle_queries_per_s_1000: Number(idle1000.toFixed(1)),
      postgres_cpu_ms_per_dial: perDial(many.postgresCpuS, many.dials),
      single_postgres_cpu_ms_per_dial: perDial(one.postgresCpuS, one.dials),
      tenants, campaigns: tenants * perTenant, leads_per_campaign: leads, campaign_limit: campaignLimit, tenant_limit: tenantLimit,
      workers, seconds, fleet_concurrency: fleetConcurrency, dials: many.dials, single_dials: one.dials,
    };
  } finally {
    if (process.env.FLEET_DEBUG) {
      const plans = readFileSync(pg.logFile, 'utf8').split('\n').filter((l) => /duration: \d|->|Filter|Cond|SubPlan|Rows Removed|Scan/.test(l));
      process.stderr.write(`slow statements (auto_explain):\n${plans.slice(-150).join('\n')}\n`);
    }
    await stack?.stop();
    await ds?.destroy();
    await pg.stop();
  }
}
