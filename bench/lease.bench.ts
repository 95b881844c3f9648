/**
 * Concurrency-lease round trips (acquire + release, Lua with Redis TIME) against a baseline of plain
 * SET + DEL round trips on the same Redis, measured in the same run.
 *   pnpm bench lease --ops 20000 --parallel 50
 */

/** One line for `pnpm bench` (the list). */
export const summary = 'concurrency-lease acquire + release round trips, against plain SET + DEL on the same Redis';
import { randomBytes } from 'node:crypto';
import { closeRedis, ConcurrencyLease, createRedis } from '@dialer/queue';

async function timed(ops: number, parallel: number, one: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < ops) await one(next++);
  }));
  return ops / (Number(process.hrtime.bigint() - start) / 1e9);
}

export async function run(args: Record<string, string>): Promise<Record<string, unknown>> {
  const ops = Number(args.ops ?? 20_000);
  const parallel = Number(args.parallel ?? 50);
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker', 'bench');
  const prefix = `{bench_${randomBytes(3).toString('hex')}}`;
  const lease = new ConcurrencyLease(redis, prefix);
  try {
    const baseline = await timed(ops, parallel, async (i) => {
      await redis.set(`${prefix}:plain:${i}`, '1');
      await redis.del(`${prefix}:plain:${i}`);
    });
    let over = 0;
    const leased = await timed(ops, parallel, async (i) => {
      if (!(await lease.acquire('c1', `m${i}`, parallel, 60_000))) over++;
      await lease.release('c1', `m${i}`);
    });
    return {
      ops, parallel,
      lease_roundtrips_per_s: Math.round(leased),
      baseline_set_del_per_s: Math.round(baseline),
      ratio: Number((leased / baseline).toFixed(3)),
      refused: over,
    };
  } finally {
    await redis.del(`${prefix}:lease:c1`);
    await closeRedis(redis);
  }
}
