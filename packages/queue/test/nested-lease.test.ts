import { closeRedis, ConcurrencyLease, createRedis, slotFreedChannel, type Redis, type SlotClaim } from '@dialer/queue';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';

/** Nested budgets: one slot at the campaign, the tenant and the provider account, taken in one script. */
describe('ConcurrencyLease, nested budgets', () => {
  let ctx: TestContext;
  let lease: ConcurrencyLease;
  const clients: Redis[] = [];
  beforeAll(async () => {
    ctx = await createTestContext('nested_lease');
    for (let i = 0; i < 8; i++) clients.push(createRedis(ctx.redisUrl, 'worker'));
  });
  beforeEach(async () => {
    lease = new ConcurrencyLease(ctx.redis, ctx.queuePrefix);
    await ctx.redis.set(lease.markerKey(), '1');
  });
  afterAll(async () => {
    for (const c of clients) await closeRedis(c);
    await ctx.close();
  });

  let n = 0;
  /** A claim with unique ids per test (t: test tag). */
  function claim(t: string, c: Partial<SlotClaim> & { campaignId: string }, member = `m${n++}`): SlotClaim {
    return {
      tenantId: `${t}-tenant`, accountGroup: `${t}-account`, member, campaignLimit: 100, tenantLimit: null, accountLimit: null,
      ...c, campaignId: `${t}-${c.campaignId}`,
    };
  }

  it('when 200 calls of two campaigns race for a tenant limit below the sum of their limits, then exactly the tenant limit hold one', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) =>
      new ConcurrencyLease(clients[i % clients.length]!, ctx.queuePrefix)
        .takeSlot(claim('race', { campaignId: i % 2 ? 'a' : 'b', campaignLimit: 5, tenantLimit: 7 }), 60_000)));
    expect(results.filter((r) => r.result === 'held')).toHaveLength(7);
    expect(await lease.heldAt('tenant', 'race-tenant')).toBe(7);
    expect(await lease.held('race-a')).toBeLessThanOrEqual(5);
    expect(await lease.held('race-b')).toBeLessThanOrEqual(5);
    expect((await lease.held('race-a')) + (await lease.held('race-b'))).toBe(7);
    expect(results.filter((r) => r.result === 'wait' && r.level === 'tenant').length).toBeGreaterThan(0);
  });

  it('when calls of two tenants race for one account limit, then exactly the account limit hold one, whatever their tenants allow', async () => {
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) =>
      new ConcurrencyLease(clients[i % clients.length]!, ctx.queuePrefix)
        .takeSlot(claim('acct', { campaignId: `c${i % 2}`, tenantId: `acct-t${i % 2}`, tenantLimit: 50, accountLimit: 9 }), 60_000)));
    expect(results.filter((r) => r.result === 'held')).toHaveLength(9);
    expect(await lease.heldAt('connection', 'acct-account')).toBe(9);
    expect((await lease.heldAt('tenant', 'acct-t0')) + (await lease.heldAt('tenant', 'acct-t1'))).toBe(9);
  });

  it('when one level is full, then the take changes nothing at any level (all or nothing), and a release frees every level', async () => {
    const a = claim('aon', { campaignId: 'a', accountLimit: 1 });
    expect(await lease.takeSlot(a, 60_000)).toEqual({ result: 'held' });
    const b = claim('aon', { campaignId: 'b', accountLimit: 1 });
    expect(await lease.takeSlot(b, 60_000)).toEqual({ result: 'wait', level: 'connection', reason: 'full' });
    expect(await lease.held('aon-b')).toBe(0);
    expect(await lease.heldAt('tenant', 'aon-tenant')).toBe(1);

    expect(await lease.release('aon-a', a.member)).toBe(true);
    expect(await lease.release('aon-a', a.member)).toBe(false);
    expect(await lease.heldAt('tenant', 'aon-tenant')).toBe(0);
    expect(await lease.heldAt('connection', 'aon-account')).toBe(0);
    expect(await lease.takeSlot(b, 60_000)).toEqual({ result: 'held' });
    // Taking again what is held extends it, whatever the limits say.
    expect(await lease.takeSlot({ ...b, accountLimit: 1, tenantLimit: 1, campaignLimit: 1 }, 60_000)).toEqual({ result: 'held' });
    expect(await lease.heldAt('connection', 'aon-account')).toBe(1);
  });

  it('when many slots of several campaigns and a plain campaign lease are released together, then every level of each is freed', async () => {
    const claims = Array.from({ length: 12 }, (_, i) => claim('many', { campaignId: `c${i % 3}`, tenantId: `many-t${i % 2}`, accountLimit: 50 }));
    for (const c of claims) expect(await lease.takeSlot(c, 60_000)).toEqual({ result: 'held' });
    await lease.acquire('many-plain', 'p1', 5, 60_000); // taken without levels (no tenant or account record)
    const freed: string[] = [];
    const sub = createRedis(ctx.redisUrl, 'worker');
    await sub.subscribe(slotFreedChannel(ctx.queuePrefix));
    sub.on('message', (_ch, campaignId: string) => freed.push(campaignId));
    try {
      await lease.releaseMany([...claims.slice(0, 10).map((c) => ({ campaignId: c.campaignId, member: c.member })), { campaignId: 'many-plain', member: 'p1' }]);
      expect((await lease.held('many-c0')) + (await lease.held('many-c1')) + (await lease.held('many-c2'))).toBe(2);
      expect((await lease.heldAt('tenant', 'many-t0')) + (await lease.heldAt('tenant', 'many-t1'))).toBe(2);
      expect(await lease.heldAt('connection', 'many-account')).toBe(2);
      expect(await lease.held('many-plain')).toBe(0);
      await eventually(async () => freed.length === 11, { timeoutMs: 5_000, what: 'a slot-freed message per released slot' });
    } finally {
      await closeRedis(sub);
    }
  });

  it('when the campaign is at its own limit, then the wait names the campaign and the tenant level is not touched', async () => {
    const a = claim('own', { campaignId: 'a', campaignLimit: 1, tenantLimit: 10 });
    expect((await lease.takeSlot(a, 60_000)).result).toBe('held');
    expect(await lease.takeSlot(claim('own', { campaignId: 'a', campaignLimit: 1, tenantLimit: 10 }), 60_000))
      .toEqual({ result: 'wait', level: 'campaign', reason: 'full' });
    expect(await lease.heldAt('tenant', 'own-tenant')).toBe(1);
  });

  it('when a slot expires (by Redis time), then it is free again at every level', async () => {
    expect((await lease.takeSlot(claim('exp', { campaignId: 'a', tenantLimit: 1 }), 100)).result).toBe('held');
    const b = claim('exp', { campaignId: 'b', tenantLimit: 1 });
    expect((await lease.takeSlot(b, 60_000)).result).toBe('wait');
    await eventually(async () => (await lease.takeSlot(b, 60_000)).result === 'held', { timeoutMs: 3000, what: 'expired slot reclaimed' });
    expect(await lease.heldAt('tenant', 'exp-tenant')).toBe(1);
    expect(await lease.heldAt('connection', 'exp-account')).toBe(1);
  });

  it('when a slot is extended, then every level keeps it', async () => {
    const a = claim('ext', { campaignId: 'a' });
    await lease.takeSlot(a, 60_000);
    expect(await lease.extend('ext-a', a.member, 120_000)).toBe(true);
    const now = Number((await ctx.redis.time())[0]) * 1000;
    const score = Number(await ctx.redis.zscore(lease.tenantKey('ext-tenant'), `ext-a|${a.member}`));
    expect(score - now).toBeGreaterThan(100_000);
  });

  it('when Redis lost the leases, then takes answer lost, and a rebuild restores every level', async () => {
    const a = claim('lost', { campaignId: 'a', tenantLimit: 1 });
    await ctx.redis.del(lease.markerKey());
    expect(await lease.takeSlot(a, 60_000)).toEqual({ result: 'lost' });
    expect(await lease.rebuild([{ campaignId: 'lost-a', member: 'live1', tenantId: 'lost-tenant', accountGroup: 'lost-account' }], 60_000)).toBe(true);
    expect(await lease.heldAt('tenant', 'lost-tenant')).toBe(1);
    expect(await lease.heldAt('connection', 'lost-account')).toBe(1);
    expect(await lease.takeSlot(a, 60_000)).toEqual({ result: 'wait', level: 'tenant', reason: 'full' });
    expect(await lease.release('lost-a', 'live1')).toBe(true);
    expect(await lease.heldAt('tenant', 'lost-tenant')).toBe(0);
  });
});
