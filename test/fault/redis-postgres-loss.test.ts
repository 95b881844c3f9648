/**
 * Fault scenarios on the stores: Redis loses everything (FLUSHALL) mid-campaign, and Postgres
 * restarts mid-campaign. Private servers of this test only. Each ends with every lead final, stats
 * consistent with the attempts, never more live calls than the limit, and no (lead, attempt) called twice.
 */
import { ConcurrencyLease } from '@dialer/queue';
import { expectCampaignSettled, leadsDone, PREFIX, settleTestTimeoutMs, startCampaign, startFaultStack, type FaultStack } from './fault-harness';
import { eventually } from '@dialer/testing';

jest.setTimeout(240_000);

const FLUSHED = { leads: 50, limit: 4 };
const RESTARTED = { leads: 40, limit: 4 };

describe('Redis and Postgres lost or restarted mid-campaign', () => {
  let f: FaultStack;

  beforeAll(async () => {
    f = await startFaultStack('stores', 3);
  });

  afterAll(async () => {
    await f?.close();
  });

  it('when Redis is flushed mid-campaign, then leases are rebuilt from Postgres before new dials and the campaign completes', async () => {
    const c = await startCampaign(f, { ...FLUSHED, seed: 31 });
    await eventually(async () => (await leadsDone(f, c)) >= 8, { timeoutMs: 60_000, what: 'the campaign under way' });
    await f.redisServer.flushAll();
    // The loss is noticed and the leases rebuilt from Postgres (the marker is set again).
    await eventually(async () => new ConcurrencyLease(f.redis, PREFIX).intact(), { timeoutMs: 20_000, what: 'leases rebuilt' });
    const r = await expectCampaignSettled(f, c);
    expect(r.maxLive).toBeLessThanOrEqual(4);
  }, settleTestTimeoutMs([FLUSHED]));

  it('when Postgres restarts mid-campaign, then the campaign completes with nothing lost', async () => {
    const c = await startCampaign(f, { ...RESTARTED, seed: 32 });
    await eventually(async () => (await leadsDone(f, c)) >= 8, { timeoutMs: 60_000, what: 'the campaign under way' });
    await f.pg.restart();
    await expectCampaignSettled(f, c);
  }, settleTestTimeoutMs([RESTARTED]));
});
