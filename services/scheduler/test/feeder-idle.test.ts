import { createRedis, type Redis } from '@dialer/queue';
import { createLogger } from '@dialer/platform';
import { createTestContext, type TestContext } from '@dialer/testing';
import { Feeder } from '../src/feeder/feeder';

/**
 * The feeder's cost at idle must not grow with the number of running campaigns: a pass over
 * campaigns that have nothing due issues the same statements for 10 campaigns as for 300.
 * Statements are counted through the data source the feeder is given (every query and transaction).
 */
describe('feeder at idle', () => {
  let ctx: TestContext;
  let subscriber: Redis;
  let feeder: Feeder;
  let tenantId: string;

  beforeAll(async () => {
    ctx = await createTestContext('feeder_idle');
    subscriber = createRedis(ctx.redisUrl, 'worker');
    feeder = new Feeder({
      ds: ctx.ds, connection: ctx.redis, subscriber, prefix: ctx.queuePrefix, logger: createLogger({ service: 'feeder-idle-test', level: 'warn' }),
      intervalMs: 600_000, orphanMs: 600_000, hopperMin: 4, hopperFactor: 2,
    });
    [{ id: tenantId }] = await ctx.ds.query(`INSERT INTO tenants (name, default_country) VALUES ('idle', 'US') RETURNING id`);
  });
  afterAll(async () => {
    await feeder?.stop();
    await ctx?.close();
  });

  /** Adds running campaigns, each with one lead due tomorrow (nothing due now). */
  async function addIdleCampaigns(n: number): Promise<void> {
    await ctx.ds.query(
      `WITH c AS (INSERT INTO campaigns (tenant_id, name, status, started_at)
                  SELECT $1, 'idle ' || g, 'running', now() FROM generate_series(1, $2) g RETURNING id)
       INSERT INTO leads (tenant_id, campaign_id, phone_e164, next_attempt_at)
       SELECT $1, c.id, '+14155550100', now() + interval '1 day' FROM c`, [tenantId, n]);
  }

  /** Statements one full feed pass issues. */
  async function statementsPerPass(): Promise<number> {
    await feeder.requestFeed(); // a first pass may refill the hopper marker
    const query = jest.spyOn(ctx.ds, 'query');
    const transaction = jest.spyOn(ctx.ds, 'transaction');
    try {
      await feeder.requestFeed();
      return query.mock.calls.length + transaction.mock.calls.length;
    } finally {
      query.mockRestore();
      transaction.mockRestore();
    }
  }

  it('when 300 campaigns run with nothing due, then a feed pass issues no more statements than with 10', async () => {
    await addIdleCampaigns(10);
    const few = await statementsPerPass();
    await addIdleCampaigns(290);
    const many = await statementsPerPass();
    expect(few).toBeGreaterThan(0);
    expect(many).toBe(few);
  });

  it('when one of them has a lead due, then the pass feeds that campaign alone', async () => {
    const [due] = await ctx.ds.query(`SELECT id, campaign_id FROM leads WHERE tenant_id = $1 LIMIT 1`, [tenantId]);
    await ctx.ds.query(`UPDATE leads SET next_attempt_at = now() - interval '1 minute' WHERE id = $1`, [due.id]);
    const report = await feeder.requestFeed();
    expect(report.campaigns).toBe(1);
    const [lead] = await ctx.ds.query(`SELECT status FROM leads WHERE campaign_id = $1`, [due.campaign_id]);
    // Queued, or moved to its calling window's opening (the default window may be closed now).
    expect(['queued', 'pending']).toContain(lead.status);
    expect(report.enqueued + report.deferred).toBe(1);
  });
});
