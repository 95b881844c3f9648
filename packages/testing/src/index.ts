import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDataSource, migrate, type DataSource } from '@dialer/db';
import { closeRedis, createRedis, scanKeys, type Redis } from '@dialer/queue';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dialer_test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestContext {
  /** A schema of its own, migrated. */
  schema: string;
  databaseUrl: string;
  redisUrl: string;
  /** A hash-tagged queue prefix of its own. */
  queuePrefix: string;
  ds: DataSource;
  redis: Redis;
  /** Environment for a child process or a service config pointed at this context. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Isolation for one test file: its own Postgres schema (migrated) and its own Redis key prefix,
 * on the real servers. close() drops the schema and deletes the prefix's keys.
 */
export async function createTestContext(label = 't'): Promise<TestContext> {
  const id = `${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const schema = `test_${id}`;
  const queuePrefix = `{test_${id}}`;
  await migrate({ url: TEST_DATABASE_URL, schema });
  const ds = createDataSource({ url: TEST_DATABASE_URL, schema, poolSize: 5 });
  await ds.initialize();
  const redis = createRedis(TEST_REDIS_URL, 'worker', 'test');
  const env = {
    DATABASE_URL: TEST_DATABASE_URL,
    DB_SCHEMA: schema,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  };
  return {
    schema, databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, queuePrefix, ds, redis, env,
    async close() {
      await ds.destroy();
      const keys = await scanKeys(redis, queuePrefix);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      await closeRedis(redis);
      const client = new Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Waits for a condition by re-checking it, for things that happen in another process. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
export * from './stack';

/** An IANA fixed-offset zone in which the local hour is `hour` right now (for window-independent tests). */
export function zoneWhereLocalHourIs(hour: number, now = new Date()): string {
  let offset = hour - now.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  if (offset === 0) return 'Etc/UTC';
  // Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

/** `count` distinct valid US numbers in E.164 (area code 415, subscriber numbers 2xx-xxxx). */
export function testPhones(count: number, seed = 1): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`+1415${String(2_000_000 + ((seed * 7919 + i * 104_729) % 7_000_000)).padStart(7, '0')}`);
  return [...new Set(out)];
}
export * from './private-servers';

/**
 * The most calls live at one instant, from provider-sim's record (each call live from its creation
 * until its final callback was sent; a call with no end yet counts as live to the end). An end and a
 * start at the same instant do not overlap.
 */
export function maxLiveCalls(calls: ReadonlyArray<{ createdAt: string; endedAt: string | null }>): number {
  const events = calls.flatMap((c) => [
    { t: Date.parse(c.createdAt), d: 1 },
    { t: c.endedAt ? Date.parse(c.endedAt) : Number.POSITIVE_INFINITY, d: -1 },
  ]).sort((a, b) => a.t - b.t || a.d - b.d);
  let live = 0;
  let max = 0;
  for (const e of events) {
    live += e.d;
    max = Math.max(max, live);
  }
  return max;
}
export * from './webhook-sink';
export * from './personal-data';
