/**
 * Slot turnover: how long a concurrency slot stays unused between one call's end and the next call.
 * One campaign runs at its concurrency limit (leads enough never to run dry; calls of about a second)
 * with every service as its own process: campaign-api, scheduler (feeder, scheduler tick), dialer-workers,
 * webhook-ingest, metrics-aggregator and provider-sim.
 *
 * One clock, in this process: a small HTTP proxy stands between the services and provider-sim. The
 * provider connection's base URL and WEBHOOK_PUBLIC_URL (dialer-worker and webhook-ingest, so Twilio
 * signatures, computed over the public URL, still verify) point at it. It notes (a) the instant
 * webhook-ingest answered 2xx to a call's terminal callback and (b) the instant each call-create
 * request arrives. Each call arriving after the warm-up is paired with the oldest unmatched terminal
 * acceptance before it (FIFO). The slot-freed pub/sub messages (the lease release), timed on the same
 * clock, split each turnover into "apply" (accepted → slot released) and "refill" (released → next call).
 *
 * Afterwards provider-sim's record is checked: nobody called twice, and the live calls at the limit
 * but never above it.
 *   pnpm bench turnover [--seconds 30] [--limit 20] [--workers 2] [--warmup 3]
 */

/** One line for `pnpm bench` (the list). */
export const summary = 'time from the end of a call (terminal webhook) to the next dial in the freed slot';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { encryptSecret } from '@dialer/platform';
import { closeRedis, createRedis, slotFreedChannel } from '@dialer/queue';
import { createTestContext, freePort, maxLiveCalls, startStack, zoneWhereLocalHourIs, type Stack } from '@dialer/testing';

const SECRETS_KEY = 'bench-secrets-key-0123456789abcdef';
const TERMINAL = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer']);
/** Calls of about a second: 0.5 + 1 + ring (1–3) + talk (3.25–9.75) simulated seconds, × 0.1. */
const SIM_ENV = { SIM_TIME_SCALE: '0.1', SIM_RING_SECONDS: '2', SIM_TALK_SECONDS: '6.5', SIM_OUTCOMES: 'completed:1', LOG_LEVEL: 'warn' };
const P50_TARGET_MS = 100;
const P99_TARGET_MS = 500;

interface SimCall { to: string; statusCallback: string; createdAt: string; endedAt: string | null }

/** What the proxy saw, in performance.now() milliseconds. */
interface ProxyRecord {
  /** Arrival of each call-create request (POST …/Calls.json). */
  creates: number[];
  /** webhook-ingest's 2xx answer to the first terminal callback of each call. */
  terminals: number[];
  /** Requests that could not be forwarded. */
  errors: number;
}

interface Proxy {
  url: string;
  record: ProxyRecord;
  close(): Promise<void>;
}

function headersWithout(h: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

/**
 * Forwards /v1/webhooks/… to webhook-ingest and everything else to provider-sim, over keep-alive
 * agents, bodies buffered (they are small) so the callback's CallStatus can be read.
 */
async function startProxy(simPort: number, ingestPort: number): Promise<Proxy> {
  const record: ProxyRecord = { creates: [], terminals: [], errors: 0 };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const ended = new Set<string>();
  const server = http.createServer((req, res) => {
    const at = performance.now();
    const url = req.url ?? '/';
    const toIngest = url.startsWith('/v1/webhooks/');
    if (!toIngest && req.method === 'POST' && url.split('?', 1)[0]!.endsWith('/Calls.json')) record.creates.push(at);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = headersWithout(req.headers);
      headers['content-length'] = body.length;
      const up = http.request({ host: '127.0.0.1', port: toIngest ? ingestPort : simPort, method: req.method, path: url, headers, agent }, (answer) => {
        const status = answer.statusCode ?? 502;
        if (toIngest && status >= 200 && status < 300) {
          const form = new URLSearchParams(body.toString('utf8'));
          const sid = form.get('CallSid') ?? '';
          if (TERMINAL.has(form.get('CallStatus') ?? '') && !ended.has(sid)) {
            ended.add(sid);
            record.terminals.push(performance.now());
          }
        }
        res.writeHead(status, headersWithout(answer.headers));
        answer.pipe(res);
      });
      up.on('error', () => {
        record.errors++;
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    record,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      agent.destroy();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/**
 * FIFO pairing: each `later` instant takes the oldest unmatched `earlier` instant before it (none
 * waiting: it is unpaired). Returns, per earlier instant, the later one it was paired with (or null).
 */
function pairFifo(earlier: number[], later: number[]): Array<number | null> {
  const paired: Array<number | null> = earlier.map(() => null);
  let next = 0; // oldest unmatched earlier
  let seen = 0; // earlier instants before the current later one
  for (const t of later) {
    while (seen < earlier.length && earlier[seen]! <= t) seen++;
    if (next < seen) paired[next++] = t;
  }
  return paired;
}

/** The time-weighted mean of the live calls (creates − terminal acceptances) over [from, to]. */
function meanLive(creates: number[], terminals: number[], from: number, to: number): number {
  const events = [...creates.map((t) => ({ t, d: 1 })), ...terminals.map((t) => ({ t, d: -1 }))].sort((a, b) => a.t - b.t);
  let live = 0;
  let area = 0;
  let last = from;
  for (const e of events) {
    if (e.t > to) break;
    if (e.t > from) {
      area += live * (e.t - last);
      last = e.t;
    }
    live += e.d;
  }
  area += live * (to - last);
  return area / (to - from);
}

export async function run(args: Record<string, string>): Promise<Record<string, unknown>> {
  const seconds = Number(args.seconds ?? 30);
  const limit = Number(args.limit ?? 20);
  const workers = Number(args.workers ?? 2);
  const warmup = Number(args.warmup ?? 3);
  const grace = 3;
  // About one call per slot per second; three times what the run can use.
  const leads = Number(args.leads ?? Math.max(2_000, limit * (warmup + seconds + grace + 10) * 3));

  const ctx = await createTestContext('benchturnover');
  const simPort = await freePort();
  const ingestPort = await freePort();
  const proxy = await startProxy(simPort, ingestPort);
  const subscriber = createRedis(ctx.redisUrl, 'worker');
  const released: number[] = [];
  let stack: Stack | undefined;
  try {
    stack = await startStack({
      env: { ...ctx.env, SECRETS_KEY, WEBHOOK_PUBLIC_URL: proxy.url, LOG_LEVEL: 'warn' },
      ports: { 'provider-sim': simPort, 'webhook-ingest': ingestPort },
      serviceEnv: { 'provider-sim': SIM_ENV },
      workers,
    });

    const [tenant] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('bench') RETURNING id`);
    const [conn] = await ctx.ds.query(
      `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed, calls_per_second)
       VALUES ($1, 'sim via proxy', 'twilio', $2, $3, $4, $5) RETURNING id`,
      [tenant.id, proxy.url, JSON.stringify({ accountSid: `AC${randomBytes(16).toString('hex')}`, fromNumber: '+14155550100' }),
        encryptSecret(JSON.stringify({ authToken: randomBytes(16).toString('hex') }), SECRETS_KEY), limit * 10]);
    const zone = zoneWhereLocalHourIs(12);
    const [campaign] = await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, max_concurrent_calls, default_timezone, calling_window, max_attempts)
       VALUES ($1, 'turnover', 'draft', $2, $3, $4, $5, 1) RETURNING id`,
      [tenant.id, conn.id, limit, zone, JSON.stringify({ start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] })]);
    await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, timezones, status, next_attempt_at)
       SELECT $1, $2, '+1415' || (2000000 + g)::text, ARRAY[$3::text], 'pending', now() FROM generate_series(1, $4::int) g`,
      [tenant.id, campaign.id, zone, leads]);

    const channel = slotFreedChannel(ctx.queuePrefix);
    subscriber.on('message', (ch: string, message: string) => {
      if (ch === channel && message === campaign.id) released.push(performance.now());
    });
    await subscriber.subscribe(channel);

    // What the start command does (the feeder picks the campaign up on its next pass).
    await ctx.ds.query(`UPDATE campaigns SET status = 'running', started_at = now(), version = version + 1 WHERE id = $1`, [campaign.id]);
    const started = performance.now();
    while (proxy.record.creates.length === 0 && performance.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
    const firstCall = proxy.record.creates[0];
    if (firstCall === undefined) throw new Error('no call was placed within 30 s of the start');
    const from = firstCall + warmup * 1000;
    const to = from + seconds * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, to + grace * 1000 - performance.now())));

    // The record, frozen here; then the campaign is paused so nothing new starts while it all stops.
    const creates = [...proxy.record.creates];
    const terminals = [...proxy.record.terminals];
    const releases = [...released];
    await ctx.ds.query(`UPDATE campaigns SET status = 'paused', version = version + 1 WHERE id = $1`, [campaign.id]);

    const measured: number[] = [];
    const apply: number[] = [];
    const refill: number[] = [];
    let unmatched = 0;
    const nextCall = pairFifo(terminals, creates);
    const releaseOf = pairFifo(terminals, releases);
    const callAfterRelease = pairFifo(releases, creates);
    const callOfRelease = new Map(releases.map((r, i) => [r, callAfterRelease[i] ?? null]));
    terminals.forEach((t, i) => {
      if (t < from || t > to) return;
      const call = nextCall[i] ?? null;
      if (call === null) {
        unmatched++;
        return;
      }
      measured.push(call - t);
      const r = releaseOf[i] ?? null;
      const c = r === null ? null : callOfRelease.get(r) ?? null;
      if (r !== null && c !== null) {
        apply.push(r - t);
        refill.push(c - r);
      }
    });
    for (const a of [measured, apply, refill]) a.sort((x, y) => x - y);

    const calls = (await (await fetch(`${stack.urls['provider-sim']}/sim/calls`)).json()) as SimCall[];
    const count = (key: (c: SimCall) => string): number => {
      const seen = new Map<string, number>();
      for (const c of calls) seen.set(key(c), (seen.get(key(c)) ?? 0) + 1);
      return [...seen.values()].filter((n) => n > 1).length;
    };
    const doubleDials = Math.max(count((c) => c.to), count((c) => new URL(c.statusCallback).searchParams.get('attemptId') ?? ''));
    const maxLive = maxLiveCalls(calls);
    const p50 = round1(percentile(measured, 50));
    const p99 = round1(percentile(measured, 99));
    return {
      p50_ms: p50,
      p99_ms: p99,
      samples: measured.length,
      max_ms: round1(measured[measured.length - 1] ?? 0),
      apply_p50_ms: round1(percentile(apply, 50)),
      apply_p99_ms: round1(percentile(apply, 99)),
      refill_p50_ms: round1(percentile(refill, 50)),
      refill_p99_ms: round1(percentile(refill, 99)),
      unmatched,
      seconds, limit, workers, leads,
      calls: calls.length,
      calls_per_s: round1(creates.filter((t) => t >= from && t <= to).length / seconds),
      max_live: maxLive,
      mean_live: round1(meanLive(creates, terminals, from, to)),
      over_limit: Math.max(0, maxLive - limit),
      double_dials: doubleDials,
      proxy_errors: proxy.record.errors,
      target_met: p50 <= P50_TARGET_MS && p99 <= P99_TARGET_MS && unmatched === 0,
    };
  } finally {
    await stack?.stop();
    await closeRedis(subscriber);
    await proxy.close();
    await ctx.close();
  }
}
