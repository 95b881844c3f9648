import { closeRedis, ConcurrencyLease, createRedis, slotFreedChannel, type Redis } from '@dialer/queue';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';

describe('ConcurrencyLease', () => {
  let ctx: TestContext;
  const clients: Redis[] = [];
  beforeAll(async () => {
    ctx = await createTestContext('lease');
    for (let i = 0; i < 8; i++) clients.push(createRedis(ctx.redisUrl, 'worker'));
  });
  afterAll(async () => {
    for (const c of clients) await closeRedis(c);
    await ctx.close();
  });

  it('when 200 members race for 7 slots over 8 connections, then exactly 7 hold one', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) =>
      new ConcurrencyLease(clients[i % clients.length]!, ctx.queuePrefix).acquire('race', `m${i}`, 7, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(7);
    expect(await new ConcurrencyLease(ctx.redis, ctx.queuePrefix).held('race')).toBe(7);
  });

  it('when a member acquires twice or releases twice, then it counts once', async () => {
    const lease = new ConcurrencyLease(ctx.redis, ctx.queuePrefix);
    expect(await lease.acquire('idem', 'a', 1, 60_000)).toBe(true);
    expect(await lease.acquire('idem', 'a', 1, 60_000)).toBe(true);
    expect(await lease.acquire('idem', 'b', 1, 60_000)).toBe(false);
    expect(await lease.release('idem', 'a')).toBe(true);
    expect(await lease.release('idem', 'a')).toBe(false);
    expect(await lease.acquire('idem', 'b', 1, 60_000)).toBe(true);
  });

  it('when a lease expires (by Redis time), then its slot is free again', async () => {
    const lease = new ConcurrencyLease(ctx.redis, ctx.queuePrefix);
    expect(await lease.acquire('exp', 'a', 1, 100)).toBe(true);
    expect(await lease.acquire('exp', 'b', 1, 60_000)).toBe(false);
    await eventually(async () => lease.acquire('exp', 'b', 1, 60_000), { timeoutMs: 3000, what: 'expired lease reclaimed' });
    expect(await lease.members('exp')).toEqual(['b']);
  });

  it('when a slot is released, then the campaign id is published on the slot-freed channel', async () => {
    const sub = createRedis(ctx.redisUrl, 'worker');
    const got: string[] = [];
    await sub.subscribe(slotFreedChannel(ctx.queuePrefix));
    sub.on('message', (_ch: string, msg: string) => got.push(msg));
    const lease = new ConcurrencyLease(ctx.redis, ctx.queuePrefix);
    await lease.acquire('camp-9', 'x', 1, 60_000);
    await lease.release('camp-9', 'x');
    await eventually(async () => got.includes('camp-9'), { timeoutMs: 3000, what: 'slot-freed message' });
    await closeRedis(sub);
  });
});
