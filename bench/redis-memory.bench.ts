/**
 * Redis memory of a running 1M-lead campaign: `used_memory` of a private redis-server (nothing else
 * writes to it) above idle. Every service runs as its own process against it and a fresh Postgres
 * schema: campaign-api, scheduler (feeder), dialer-workers, webhook-ingest, metrics-aggregator, provider-sim
 * (the default outcome mix, calls of a few seconds). The leads are inserted set-based in SQL, pending
 * and due, as an import leaves them. Idle: everything started and connected, the campaign not yet
 * running. Then it starts (as the start command does) and used_memory is sampled every 200 ms; the
 * figure is the peak above idle. At the end, the keys are grouped by shape with MEMORY USAGE, so a
 * regression names the keys that grew. Kept completed jobs and the event streams grow until their
 * caps (packages/queue/src/catalog.ts, BullMQ's events maxLen): `still_rising` says the run ended
 * before that; faster calls reach the caps sooner (`--time-scale 0.01 --seconds 120`).
 *   pnpm bench redis-memory [--leads 1000000] [--seconds 30] [--limit 100] [--workers 2]
 */

/** One line for `pnpm bench` (the list). */
export const summary = 'Redis memory above idle while a 1M-lead campaign runs';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { encryptSecret } from '@dialer/platform';
import { closeRedis, createRedis, type Redis } from '@dialer/queue';
import { createTestContext, startPrivateRedis, startStack, zoneWhereLocalHourIs, type PrivateRedis, type Stack, type TestContext } from '@dialer/testing';

const SECRETS_KEY = 'bench-secrets-key-0123456789abcdef';
const MB = 1024 * 1024;
const TARGET_MB = 20;
const SAMPLE_MS = 200;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const m = /^used_memory:(\d+)/m.exec(info);
  if (!m) throw new Error('INFO memory has no used_memory');
  return Number(m[1]);
}

/** The key's shape: the queue prefix, ids and numbers replaced, so keys of one kind group together. */
function shape(key: string, prefix: string): string {
  return key
    .replace(prefix, '{p}')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\d+/g, '<n>');
}

/** Every key's MEMORY USAGE, summed per shape, largest first. */
async function keyBreakdown(redis: Redis, prefix: string): Promise<Array<{ key: string; keys: number; kb: number }>> {
  const groups = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const k of keys) pipeline.memory('USAGE', k, 'SAMPLES', 0);
    const sizes = (await pipeline.exec()) ?? [];
    keys.forEach((k, i) => {
      const g = groups.get(shape(k, prefix)) ?? { keys: 0, bytes: 0 };
      g.keys++;
      g.bytes += Number(sizes[i]?.[1] ?? 0);
      groups.set(shape(k, prefix), g);
    });
  } while (cursor !== '0');
  return [...groups.entries()]
    .map(([key, g]) => ({ key, keys: g.keys, kb: Math.round(g.bytes / 1024) }))
    .sort((a, b) => b.kb - a.kb);
}

async function seed(ctx: TestContext, simUrl: string, leads: number, limit: number): Promise<{ campaignId: string; seedSeconds: number }> {
  const [tenant] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('bench') RETURNING id`);
  const [conn] = await ctx.ds.query(
    `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed, calls_per_second)
     VALUES ($1, 'sim', 'twilio', $2, $3, $4, $5) RETURNING id`,
    [tenant.id, simUrl, JSON.stringify({ accountSid: `AC${randomBytes(16).toString('hex')}`, fromNumber: '+14155550100' }),
      encryptSecret(JSON.stringify({ authToken: randomBytes(16).toString('hex') }), SECRETS_KEY), limit]);
  const zone = zoneWhereLocalHourIs(12);
  const [campaign] = await ctx.ds.query(
    `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, max_concurrent_calls, default_timezone, calling_window, max_attempts)
     VALUES ($1, 'redis-memory', 'draft', $2, $3, $4, $5, 3) RETURNING id`,
    [tenant.id, conn.id, limit, zone, JSON.stringify({ start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] })]);
  const t0 = performance.now();
  // Distinct valid US numbers: +1 415 2000000 + g.
  await ctx.ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, first_name, timezones, custom, status, next_attempt_at)
     SELECT $1, $2, '+1415' || (2000000 + g)::text, 'Lead' || g, ARRAY[$3::text], jsonb_build_object('ref', g), 'pending', now()
       FROM generate_series(1, $4::int) g`,
    [tenant.id, campaign.id, zone, leads]);
  await ctx.ds.query(`ANALYZE leads`);
  return { campaignId: campaign.id, seedSeconds: (performance.now() - t0) / 1000 };
}

export async function run(args: Record<string, string>): Promise<Record<string, unknown>> {
  const leads = Number(args.leads ?? 1_000_000);
  const seconds = Number(args.seconds ?? 30);
  const limit = Number(args.limit ?? 100);
  const workers = Number(args.workers ?? 2);
  // Default outcome mix; × 0.2 makes an answered call last about 5 s (0.5 + 1 + 4 + 20 simulated seconds).
  const timeScale = args['time-scale'] ?? '0.2';

  let redisServer: PrivateRedis | undefined;
  let ctx: TestContext | undefined;
  let stack: Stack | undefined;
  let probe: Redis | undefined;
  try {
    redisServer = await startPrivateRedis();
    ctx = await createTestContext('benchredismem');
    probe = createRedis(redisServer.url, 'worker');
    stack = await startStack({
      env: { ...ctx.env, REDIS_URL: redisServer.url, SECRETS_KEY, LOG_LEVEL: 'warn' },
      serviceEnv: { 'provider-sim': { SIM_TIME_SCALE: timeScale } },
      workers,
    });
    const { campaignId, seedSeconds } = await seed(ctx, stack.urls['provider-sim'], leads, limit);

    // Idle: everything connected, the campaign not running; a few samples after a settling pause.
    await new Promise((r) => setTimeout(r, 2_000));
    const idleSamples: number[] = [];
    for (let i = 0; i < 5; i++) {
      idleSamples.push(await usedMemory(probe));
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
    const idle = Math.max(...idleSamples);
    const idleBreakdown = await keyBreakdown(probe, ctx.queuePrefix);

    await ctx.ds.query(`UPDATE campaigns SET status = 'running', started_at = now(), version = version + 1 WHERE id = $1`, [campaignId]);
    const t0 = performance.now();
    let peak = idle;
    let peakAtS = 0;
    let samples = 0;
    while (performance.now() - t0 < seconds * 1000) {
      const used = await usedMemory(probe);
      samples++;
      if (used > peak) {
        peak = used;
        peakAtS = (performance.now() - t0) / 1000;
      }
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
    const endUsed = await usedMemory(probe);
    const breakdown = await keyBreakdown(probe, ctx.queuePrefix);
    const [attempts] = await ctx.ds.query(
      `SELECT count(*)::int AS dials, count(*) FILTER (WHERE ended_at IS NOT NULL)::int AS ended FROM call_attempts WHERE campaign_id = $1`, [campaignId]);
    const [queued] = await ctx.ds.query(`SELECT count(*)::int AS n FROM leads WHERE campaign_id = $1 AND status = 'queued'`, [campaignId]);
    const keys = breakdown.reduce((n, g) => n + g.keys, 0);
    const mbAboveIdle = Number(((peak - idle) / MB).toFixed(2));
    return {
      leads,
      mb_above_idle: mbAboveIdle,
      idle_mb: Number((idle / MB).toFixed(2)),
      peak_mb: Number((peak / MB).toFixed(2)),
      end_mb: Number((endUsed / MB).toFixed(2)),
      peak_at_s: Number(peakAtS.toFixed(1)),
      // The peak in the last tenth of the run: memory was still growing, the figure is not a steady state.
      still_rising: peakAtS >= seconds * 0.9,
      samples,
      seconds, limit, workers,
      seed_s: Number(seedSeconds.toFixed(1)),
      dials: attempts.dials,
      calls_ended: attempts.ended,
      hopper: queued.n,
      keys,
      idle_keys: idleBreakdown.reduce((n, g) => n + g.keys, 0),
      top_keys: breakdown.slice(0, 8),
      target_met: mbAboveIdle <= TARGET_MB,
    };
  } finally {
    await stack?.stop();
    if (probe) await closeRedis(probe);
    await ctx?.close();
    await redisServer?.stop();
  }
}
