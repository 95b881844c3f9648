/**
 * Dial pipeline throughput: N dialer-worker processes take dial jobs of one running campaign (a
 * generous concurrency limit and calls-per-second) and place each call at provider-sim (its own
 * process, answering at once, short calls; callbacks go to a bare HTTP sink, so slots are never
 * freed and the default limit is the number of leads). In the same run, the
 * baseline: raw BullMQ jobs with an empty processor (N worker connections, same concurrency) on the
 * same Redis. Afterwards provider-sim's record is checked: no (lead, attempt) called twice, and the
 * live calls never above the limit.
 *   pnpm bench dial --workers 4 --seconds 30 [--concurrency 100] [--callbacks drop|sink] [--predial]
 * With --predial the campaign has a pre-dial eligibility hook: a local sink that answers
 * {"eligible": true} to every signed request, so the run measures the hook's cost on the dial path
 * (compare dials_per_s and cpu_ms_per_dial.workers with a run without it).
 */

/** One line for `pnpm bench` (the list). */
export const summary = 'dial jobs per second through dialer-workers to provider-sim, against raw BullMQ in the same run';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { encryptSecret } from '@dialer/platform';
import { closeRedis, createQueue, createRedis, createWorker, dialJobId, QUEUES } from '@dialer/queue';
import { commandCpuSeconds, treeCpuSeconds } from './lib/cpu';
import { createTestContext, freePort, spawnService, testPhones, zoneWhereLocalHourIs, type RunningProcess } from '@dialer/testing';

const SECRETS_KEY = 'bench-secrets-key-0123456789abcdef';

interface SimCall { statusCallback: string; createdAt: string; endedAt: string | null }

export async function run(args: Record<string, string>): Promise<Record<string, unknown>> {
  const workers = Number(args.workers ?? 4);
  const seconds = Number(args.seconds ?? 30);
  const concurrency = Number(args.concurrency ?? 100); // dialer-worker's DIALER_CONCURRENCY default
  // Enough leads that the campaign never runs dry, and a limit no run can reach: the calls' webhooks go
  // to a bare sink, so no slot is ever freed, and a binding limit would measure waiting, not dialling.
  const leads = Number(args.leads ?? Math.max(20_000, seconds * 1500));
  const limit = Number(args.limit ?? leads);
  const ctx = await createTestContext('benchdial');
  const procs: RunningProcess[] = [];
  const sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('<Response></Response>'));
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const sinkPort = (sink.address() as { port: number }).port;
  // --predial: the campaign's pre-dial hook, answering eligible at once (requests counted).
  const predial = args.predial !== undefined && args.predial !== 'false';
  let predialRequests = 0;
  const hook = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      predialRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"eligible":true}');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookPort = (hook.address() as { port: number }).port;
  try {
    // Baseline: raw BullMQ jobs, empty processor, same Redis, same number of worker connections.
    const baselineJobs = Math.min(leads, 20_000);
    const baselinePrefix = `${ctx.queuePrefix}-baseline`;
    const bq = createQueue('dial', ctx.redis, baselinePrefix);
    await bq.addBulk(Array.from({ length: baselineJobs }, (_, i) => ({ name: 'x', data: { i }, opts: { jobId: `b${i}`, removeOnComplete: true } })));
    let done = 0;
    const conns = Array.from({ length: workers }, () => createRedis(ctx.redisUrl, 'worker'));
    const t0 = performance.now();
    const bws = conns.map((connection) => createWorker('dial', async () => undefined, connection, baselinePrefix, { concurrency }));
    await new Promise<void>((resolve) => bws.forEach((w) => w.on('completed', () => {
      if (++done === baselineJobs) resolve();
    })));
    const baselinePerS = baselineJobs / ((performance.now() - t0) / 1000);
    await Promise.all(bws.map((w) => w.close()));
    await bq.obliterate({ force: true });
    await bq.close();
    await Promise.all(conns.map(closeRedis));

    // The dial pipeline.
    const simPort = await freePort();
    const sim = await spawnService('provider-sim', { env: { ...ctx.env, SIM_TIME_SCALE: '0.0005', SIM_OUTCOMES: 'completed:1' }, port: simPort });
    procs.push(sim);
    // Status callbacks are webhook-ingest's load (pnpm bench webhooks), not the dial pipeline's: by
    // default provider-sim drops them (its record still has every call's start and end), so the
    // simulated outside world takes less of the two cores. --callbacks sink posts them to a bare sink.
    const callbacks = args.callbacks ?? 'drop';
    if (callbacks === 'drop') {
      const r = await fetch(`${sim.url}/sim/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dropCallbackRate: 1 }) });
      if (!r.ok) throw new Error(`provider-sim refused its config: ${r.status}`);
    }
    const [tenant] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('bench') RETURNING id`);
    const accountSid = `AC${randomBytes(16).toString('hex')}`;
    const [conn] = await ctx.ds.query(
      `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed, calls_per_second)
       VALUES ($1, 'sim', 'twilio', $2, $3, $4, 99999) RETURNING id`,
      [tenant.id, sim.url, JSON.stringify({ accountSid, fromNumber: '+14155550100' }), encryptSecret(JSON.stringify({ authToken: 'bench-token' }), SECRETS_KEY)]);
    const [campaign] = await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, max_concurrent_calls, default_timezone, calling_window, max_attempts,
                              pre_dial, pre_dial_secret)
       VALUES ($1, 'bench', 'running', $2, $3, $4, $5, 1, $6::jsonb, $7) RETURNING id`,
      [tenant.id, conn.id, limit, zoneWhereLocalHourIs(12), JSON.stringify({ start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] }),
        predial ? JSON.stringify({ url: `http://127.0.0.1:${hookPort}/can-call`, timeoutMs: 2000, onError: 'skip' }) : null,
        predial ? encryptSecret(`whsec_${randomBytes(24).toString('base64')}`, SECRETS_KEY) : null]);
    const phones = testPhones(leads, 3);
    const ids: Array<{ id: string }> = await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, next_attempt_at)
       SELECT $1, $2, p, 'queued', now() FROM unnest($3::text[]) AS p RETURNING id`, [tenant.id, campaign.id, phones]);
    const env = {
      ...ctx.env, SECRETS_KEY, WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${sinkPort}`, DIALER_CONCURRENCY: String(concurrency), LOG_LEVEL: 'error',
    };
    // The jobs first, then the workers; the clock starts once every worker runs (steady state).
    const producer = createRedis(ctx.redisUrl, 'worker');
    const dialQueue = createQueue('dial', producer, ctx.queuePrefix);
    const jobs = ids.map((l) => ({ name: QUEUES.dial.name, data: { tenantId: tenant.id, campaignId: campaign.id, leadId: l.id, attemptNo: 1 }, opts: { ...QUEUES.dial.options, jobId: dialJobId(l.id, 1) } }));
    for (let i = 0; i < jobs.length; i += 5000) await dialQueue.addBulk(jobs.slice(i, i + 5000));
    for (let i = 0; i < workers; i++) procs.push(await spawnService('dialer-worker', { env, port: await freePort(), instance: String(i) }));
    const dialers = procs.filter((p) => p.name.startsWith('dialer-worker'));
    const cpu = () => ({
      workers: dialers.reduce((a, p) => a + treeCpuSeconds(p.child.pid ?? 0), 0),
      providerSim: treeCpuSeconds(sim.child.pid ?? 0),
      postgres: commandCpuSeconds(/^postgres$/),
      redis: commandCpuSeconds(/^redis-server$/),
    });
    const [first] = await ctx.ds.query(`SELECT count(*)::int AS n FROM call_attempts`);
    const cpu0 = cpu();
    const t1 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const [last] = await ctx.ds.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE provider_call_id IS NOT NULL)::int AS dialed FROM call_attempts`);
    const elapsed = (performance.now() - t1) / 1000;
    const cpu1 = cpu();
    await dialQueue.obliterate({ force: true }).catch(() => undefined);
    await dialQueue.close();
    await closeRedis(producer);
    for (const p of procs.filter((p) => p.name.startsWith('dialer-worker'))) await p.stop();

    const calls = (await (await fetch(`${sim.url}/sim/calls`)).json()) as SimCall[];
    const perAttempt = new Map<string, number>();
    for (const c of calls) {
      const a = new URL(c.statusCallback).searchParams.get('attemptId') ?? '';
      perAttempt.set(a, (perAttempt.get(a) ?? 0) + 1);
    }
    const doubleDials = [...perAttempt.values()].filter((n) => n > 1).length;
    const events = calls.flatMap((c) => [{ t: Date.parse(c.createdAt), d: 1 }, { t: c.endedAt ? Date.parse(c.endedAt) : Infinity, d: -1 }])
      .sort((a, b) => a.t - b.t || a.d - b.d);
    let live = 0;
    let maxLive = 0;
    for (const e of events) maxLive = Math.max(maxLive, (live += e.d));
    const dials = last.n - first.n;
    const dialsPerS = dials / elapsed;
    // CPU per dial holds still when other work shares the machine (Postgres and Redis: whole servers).
    const perDial = (k: keyof typeof cpu0) => Number((((cpu1[k] - cpu0[k]) * 1000) / Math.max(1, dials)).toFixed(2));
    return {
      workers, seconds, concurrency, limit, callbacks, predial, predial_requests: predialRequests,
      dials: last.n - first.n, dialed: last.dialed,
      dials_per_s: Math.round(dialsPerS),
      baseline_jobs_per_s: Math.round(baselinePerS),
      ratio: Number((dialsPerS / baselinePerS).toFixed(3)),
      cpu_ms_per_dial: { workers: perDial('workers'), provider_sim: perDial('providerSim'), postgres: perDial('postgres'), redis: perDial('redis') },
      max_live: maxLive,
      over_limit: maxLive > limit ? maxLive - limit : 0,
      double_dials: doubleDials,
    };
  } finally {
    for (const p of procs) await p.stop();
    await new Promise((r) => sink.close(r));
    hook.closeAllConnections();
    await new Promise((r) => hook.close(r));
    await ctx.close();
  }
}
