/**
 * Durable webhook ingest: signed Twilio status callbacks at rising rates to webhook-ingest (its own
 * process, real Postgres), against a bare express server answering the same requests (its own
 * process) in the same run. Every accepted event must end stored and applied ("lost" counts those
 * that do not).
 *   pnpm bench webhooks --seconds 20 [--rates 500,1000,2000,3000,3500,4000]
 *   pnpm bench webhooks --sustained 3000 --seconds 60      (one rate held, no baseline)
 *   pnpm bench webhooks --sustained 500 --seconds 5 --cpu-prof /tmp/prof   (profile webhook-ingest)
 *
 * Apply lag: for every event accepted in the measured steps, the time from its storage
 * (`webhook_events.received_at`) to its application (`applied_at`, both Postgres clock):
 * `apply_lag_p50_ms` / `apply_lag_p99_ms`; `applied_per_s_under_load` counts the events applied while
 * the load ran, over its length.
 */

/** One line for `pnpm bench` (the list). */
export const summary = 'durable webhook ingest at rising rates (accepted/s, p99, lost), against bare express';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { encryptSecret } from '@dialer/platform';
import { twilioSignature } from '@dialer/providers';
import { commandCpuSeconds, treeCpuSeconds } from './lib/cpu';
import { createTestContext, freePort, REPO_ROOT, spawnService, type TestContext } from '@dialer/testing';

const AUTH_TOKEN = 'bench-auth-token-0123456789';
const ACCOUNT_SID = 'AC0000000000000000000000000000bench';
const STATUSES = ['ringing', 'in-progress', 'completed'] as const;
const SECRETS_KEY = 'bench-secrets-key-0123456789abcdef';
const P99_TARGET_MS = 50;

interface Step {
  rate: number;
  sent: number;
  ok: number;
  errors: number;
  perS: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Open-loop load: `rate` requests per second for `seconds`, latency measured from each request's scheduled time. */
async function runStep(agent: http.Agent, port: number, rate: number, seconds: number, next: () => { path: string; body: string; sig: string }): Promise<Step> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  const inflight = new Set<Promise<void>>();
  const one = (scheduled: number): Promise<void> => new Promise((resolve) => {
    const r = next();
    const req = http.request({
      host: '127.0.0.1', port, path: r.path, method: 'POST', agent,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(r.body), 'X-Twilio-Signature': r.sig },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) ok++;
        else errors++;
        latencies.push(performance.now() - scheduled);
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end(r.body);
  });
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) / 1000) * rate) + 1);
    while (sent < due) {
      const scheduled = start + (sent / rate) * 1000;
      const p = one(scheduled);
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      sent++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate, sent, ok, errors, perS: Math.round(ok / elapsed), p50: Number(percentile(latencies, 50).toFixed(1)), p99: Number(percentile(latencies, 99).toFixed(1)) };
}

/** The reported step: the highest achieved rate whose p99 met the target with no errors (else the fastest; see target_met). */
function best(steps: Step[]): Step {
  const good = steps.filter((s) => s.errors === 0 && s.p99 <= P99_TARGET_MS);
  const pool = good.length ? good : steps;
  return pool.reduce((a, b) => (b.perS > a.perS ? b : a));
}

async function seed(ctx: TestContext, calls: number): Promise<{ connectionId: string }> {
  const [tenant] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('bench') RETURNING id`);
  const [conn] = await ctx.ds.query(
    `INSERT INTO provider_connections (tenant_id, name, type, config, secrets_sealed) VALUES ($1, 'bench', 'twilio', $2::jsonb, $3) RETURNING id`,
    [tenant.id, JSON.stringify({ accountSid: ACCOUNT_SID, fromNumber: '+15005550006' }), encryptSecret(JSON.stringify({ authToken: AUTH_TOKEN }), SECRETS_KEY)]);
  const [campaign] = await ctx.ds.query(
    `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, max_attempts, max_concurrent_calls, started_at)
     VALUES ($1, 'bench', 'running', $2, 1, 1000, now()) RETURNING id`, [tenant.id, conn.id]);
  await ctx.ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, timezones, status, attempts, last_attempt_at)
     SELECT $1, $2, '+1202' || lpad(g::text, 7, '0'), '{America/New_York}', 'dialing', 1, now() FROM generate_series(1, $3) g`,
    [tenant.id, campaign.id, calls]);
  await ctx.ds.query(
    `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_connection_id, provider_call_id, status, dialed_at)
     SELECT $1, $2, l.id, 1, 'twilio', $3, 'CAbench' || lpad(substr(l.phone_e164, 6), 26, '0'), 'queued', now() FROM leads l WHERE l.campaign_id = $2`,
    [tenant.id, campaign.id, conn.id]);
  return { connectionId: conn.id };
}

/** A bare express server answering the same POSTs (urlencoded parse, TwiML answer), its own process. */
async function startBaseline(port: number): Promise<ChildProcess> {
  const express = require.resolve('express', { paths: [path.join(REPO_ROOT, 'services', 'webhook-ingest')] });
  const code = `const express=require(${JSON.stringify(express)});const app=express();` +
    `app.post('/v1/webhooks/twilio/:id',express.urlencoded({extended:false}),(req,res)=>res.type('text/xml').send('<Response></Response>'));` +
    `app.listen(${port},'127.0.0.1',()=>process.stdout.write('ready\\n'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`baseline exited ${c}`)));
  });
  return child;
}

export async function run(args: Record<string, string>): Promise<Record<string, unknown>> {
  const sustained = args.sustained ? Number(args.sustained) : null;
  const seconds = Number(args.seconds ?? (sustained ? 60 : 20));
  const rates = sustained ? [sustained] : (args.rates ?? '500,1000,2000,3000,3500,4000').split(',').map(Number);
  const stepSeconds = seconds / rates.length;
  const WARMUP = 600;
  const needed = Math.ceil((WARMUP * 2 + rates.reduce((a, r) => a + r * stepSeconds, 0)) / STATUSES.length) + 10;
  const ctx = await createTestContext('benchwebhooks');
  let ingest: Awaited<ReturnType<typeof spawnService>> | undefined;
  let baseline: ChildProcess | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  try {
    const { connectionId } = await seed(ctx, needed);
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    ingest = await spawnService('webhook-ingest', {
      port, env: { ...ctx.env, SECRETS_KEY, WEBHOOK_PUBLIC_URL: publicUrl, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
      // --cpu-prof DIR: a V8 CPU profile of webhook-ingest, written to DIR when it stops.
      ...(args['cpu-prof'] ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] } : {}),
    });

    // Stands in for metrics-aggregator, which folds each ended attempt (else the sweeper keeps
    // repeating the terminal post-steps of every unfolded attempt, which is its crash repair).
    const folder = setInterval(() => {
      void ctx.ds.query(`UPDATE call_attempts SET counted_at = now() WHERE ended_at IS NOT NULL AND counted_at IS NULL`).catch(() => undefined);
    }, 500);

    let n = 0;
    const event = () => {
      const call = Math.floor(n / STATUSES.length);
      const seq = n % STATUSES.length;
      n++;
      const status = STATUSES[seq] as string;
      const params: Record<string, string> = {
        AccountSid: ACCOUNT_SID, CallSid: `CAbench${String(call + 1).padStart(26, '0')}`, CallStatus: status, SequenceNumber: String(seq),
        From: '+15005550006', To: '+12025550100', ApiVersion: '2010-04-01', Direction: 'outbound-api',
        ...(status === 'completed' ? { CallDuration: '12' } : {}),
      };
      const p = `/v1/webhooks/twilio/${connectionId}`;
      return { path: p, body: new URLSearchParams(params).toString(), sig: twilioSignature(AUTH_TOKEN, publicUrl + p, params) };
    };

    // Warm-up (JIT, connection pools, the adapter cache): not measured.
    await runStep(agent, port, WARMUP / 2, 2, event);
    const ingestSteps: Step[] = [];
    const ingestPid = ingest.child.pid ?? 0;
    const cpu0 = { ingest: treeCpuSeconds(ingestPid), postgres: commandCpuSeconds(/^postgres$/) };
    const dbNow = async (): Promise<Date> => (await ctx.ds.query(`SELECT clock_timestamp() AS t`))[0].t as Date;
    const loadStart = await dbNow();
    for (const rate of rates) ingestSteps.push(await runStep(agent, port, rate, stepSeconds, event));
    const loadEnd = await dbNow();
    const accepted = WARMUP + ingestSteps.reduce((a, s) => a + s.ok, 0); // warm-up events count too

    // Nothing accepted may be lost: wait until every stored event is applied.
    const drainStart = Date.now();
    let applied = 0;
    let stored = 0;
    for (;;) {
      const [row] = await ctx.ds.query(
        `SELECT count(*)::int AS stored, count(*) FILTER (WHERE applied_at IS NOT NULL)::int AS applied FROM webhook_events`);
      stored = row.stored;
      applied = row.applied;
      if (applied >= stored || Date.now() - drainStart > Number(args.drain ?? 300) * 1000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    // CPU per accepted event (receive, verify, store, apply), which holds still when other work shares the machine.
    const cpuPerEvent = (now: number, before: number) => Number((((now - before) * 1000) / Math.max(1, accepted)).toFixed(3));
    const cpuMs = { ingest: cpuPerEvent(treeCpuSeconds(ingestPid), cpu0.ingest), postgres: cpuPerEvent(commandCpuSeconds(/^postgres$/), cpu0.postgres) };
    clearInterval(folder);
    if (args.debug) process.stderr.write(`${ingest.output().slice(-6000)}\n`);
    // Lag from storage to application of the events accepted under load (not the warm-up).
    const [lag] = await ctx.ds.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM applied_at - received_at) * 1000) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM applied_at - received_at) * 1000) AS p99,
              max(extract(epoch FROM applied_at - received_at) * 1000) AS max,
              count(*) FILTER (WHERE applied_at <= $2)::int AS applied_under_load
         FROM webhook_events WHERE applied_at IS NOT NULL AND received_at >= $1`, [loadStart, loadEnd]);
    const loadSeconds = (loadEnd.getTime() - loadStart.getTime()) / 1000;
    const unapplied: Array<{ reason: string | null; n: number }> = await ctx.ds.query(
      `SELECT apply_error AS reason, count(*)::int AS n, min(event_key) AS first, max(event_key) AS last FROM webhook_events WHERE applied_at IS NULL GROUP BY 1`);

    const baseSteps: Step[] = [];
    if (!sustained) {
      const basePort = await freePort();
      baseline = await startBaseline(basePort);
      n = 0;
      await runStep(agent, basePort, WARMUP / 2, 2, event);
      for (const rate of rates) baseSteps.push(await runStep(agent, basePort, rate, stepSeconds, event));
    }

    const b = best(ingestSteps);
    const bb = sustained ? null : best(baseSteps);
    const ms = (v: unknown) => (v === null || v === undefined ? null : Number(Number(v).toFixed(1)));
    for (const s of ingestSteps) process.stderr.write(`ingest   ${JSON.stringify(s)}\n`);
    for (const s of baseSteps) process.stderr.write(`baseline ${JSON.stringify(s)}\n`);
    return {
      seconds,
      per_s: b.perS,
      p99_ms: b.p99,
      p50_ms: b.p50,
      target_met: b.errors === 0 && b.p99 <= P99_TARGET_MS && b.perS >= 3000,
      lost: Math.max(0, accepted - applied),
      accepted,
      stored,
      applied,
      apply_drain_s: Number(drainSeconds.toFixed(1)),
      apply_per_s: Math.round(applied / (seconds + 2 + drainSeconds)),
      applied_per_s_under_load: Math.round(Number(lag.applied_under_load) / Math.max(0.001, loadSeconds)),
      apply_lag_max_ms: ms(lag.max),
      cpu_ms_per_event: cpuMs,
      ...(unapplied.length ? { unapplied } : {}),
      ...(bb ? { baseline_per_s: bb.perS, baseline_p99_ms: bb.p99, ratio: Number((b.perS / Math.max(1, bb.perS)).toFixed(3)) } : { sustained_rate: sustained }),
      steps: ingestSteps.map((s) => ({ rate: s.rate, per_s: s.perS, p99_ms: s.p99, errors: s.errors })),
      apply_lag_p50_ms: ms(lag.p50),
      apply_lag_p99_ms: ms(lag.p99),
    };
  } finally {
    agent.destroy();
    baseline?.kill('SIGTERM');
    await ingest?.stop();
    await ctx.close();
  }
}
