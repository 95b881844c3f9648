import { ConcurrencyLease, type SlotClaim } from '@dialer/queue';
import { createTestContext, type TestContext } from '@dialer/testing';

/** Jain's fairness index over per-campaign amounts normalized by weight: 1 when shares track weights exactly. */
function jain(xs: number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0);
  return (sum * sum) / (xs.length * xs.reduce((a, b) => a + b * b, 0));
}

/**
 * Fair sharing when a shared budget is the bottleneck: every group always has calls waiting; each
 * round the oldest live call ends (calls of equal length) and every group asks (in random order, several calls each).
 * Counts the slots each group was granted. No timing: the waiters are remembered for a minute.
 */
async function saturate(
  lease: ConcurrencyLease, groups: Array<Omit<SlotClaim, 'member'> & { name: string }>, rounds: number, seed: number,
): Promise<Record<string, number>> {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const granted: Record<string, number> = Object.fromEntries(groups.map((g) => [g.name, 0]));
  const live: Array<{ campaignId: string; member: string }> = [];
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    if (live.length > 0) {
      const ended = live.shift();
      await lease.release(ended!.campaignId, ended!.member);
    }
    const order = [...groups].sort(() => rand() - 0.5);
    for (let ask = 0; ask < 3; ask++) {
      for (const g of order) {
        const member = `${g.campaignId}#${n++}`;
        const t = await lease.takeSlot({ ...g, member }, 600_000);
        if (t.result === 'held') {
          live.push({ campaignId: g.campaignId, member });
          if (r >= rounds / 5) granted[g.name]! += 1; // counted once the budget is saturated
        }
      }
    }
  }
  return granted;
}

describe('ConcurrencyLease, fair sharing of a saturated budget', () => {
  let ctx: TestContext;
  let lease: ConcurrencyLease;
  beforeAll(async () => {
    ctx = await createTestContext('fair_lease');
    lease = new ConcurrencyLease(ctx.redis, ctx.queuePrefix, 60_000);
    await ctx.redis.set(lease.markerKey(), '1');
  });
  afterAll(async () => {
    await ctx.close();
  });

  const campaign = (t: string, name: string, limit: number, weight: number) => ({
    name, campaignId: `${t}-${name}`, tenantId: `${t}-tenant`, accountGroup: `${t}-account`,
    campaignLimit: limit, tenantLimit: 6, accountLimit: null, campaignWeight: weight,
  });

  it('when three campaigns of equal weight share a tenant limit, then each progresses and the dials are shared evenly (Jain ≥ 0.95)', async () => {
    const g = await saturate(lease, [campaign('eq', 'a', 100, 1), campaign('eq', 'b', 100, 1), campaign('eq', 'c', 100, 1)], 300, 7);
    for (const v of Object.values(g)) expect(v).toBeGreaterThan(0);
    expect(jain(Object.values(g))).toBeGreaterThanOrEqual(0.95);
  });

  it('when weights are 2:1, then the shares of dials track the weights within 10 %', async () => {
    const g = await saturate(lease, [campaign('w', 'big', 100, 2), campaign('w', 'small', 100, 1)], 300, 11);
    const share = g.big! / (g.big! + g.small!);
    expect(share).toBeGreaterThan((2 / 3) * 0.9);
    expect(share).toBeLessThan((2 / 3) * 1.1);
  });

  it('when a big campaign asks far more often than a small one, then it does not crowd it out', async () => {
    const big = campaign('crowd', 'big', 100, 1);
    const small = campaign('crowd', 'small', 100, 1);
    // The big one asks five times for each ask of the small one.
    const g = await saturate(lease, [big, big, big, big, big, small].map((c, i) => (i < 5 ? { ...c, name: `big${i}` } : c)), 200, 3);
    const bigTotal = [0, 1, 2, 3, 4].reduce((a, i) => a + g[`big${i}`]!, 0);
    expect(g.small! / (bigTotal + g.small!)).toBeGreaterThan(0.45);
  });

  it('when two tenants of weights 3:1 share an account limit, then their shares of dials track the weights within 10 %', async () => {
    const t = (name: string, weight: number) => ({
      name, campaignId: `acct-${name}-c`, tenantId: `acct-${name}`, accountGroup: 'acct-shared',
      campaignLimit: 100, tenantLimit: null, accountLimit: 8, tenantWeight: weight,
    });
    const g = await saturate(lease, [t('heavy', 3), t('light', 1)], 300, 5);
    const share = g.heavy! / (g.heavy! + g.light!);
    expect(share).toBeGreaterThan(0.75 * 0.9);
    expect(share).toBeLessThan(0.75 * 1.1);
  });
});
