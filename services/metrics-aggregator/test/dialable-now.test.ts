import { clock } from '@dialer/platform';
import { ConcurrencyLease } from '@dialer/queue';
import { createTestContext, type TestContext } from '@dialer/testing';
import { slotFigures } from '../src/aggregator.metrics';
import { seedCampaign, type SeededCampaign } from './fixtures';

let ctx: TestContext;
let lease: ConcurrencyLease;

beforeAll(async () => {
  ctx = await createTestContext('dialable');
  lease = new ConcurrencyLease(ctx.redis, ctx.queuePrefix);
});

afterAll(async () => {
  await ctx?.close();
});

/** A running campaign open all day, every day (the only running one: earlier tests' campaigns are completed). */
async function openAllDay(zone: string, maxAttempts = 3): Promise<SeededCampaign> {
  await ctx.ds.query(`UPDATE campaigns SET status = 'completed' WHERE status = 'running'`);
  const c = await seedCampaign(ctx.ds);
  await ctx.ds.query(
    `UPDATE campaigns SET max_concurrent_calls = 5, max_attempts = $2, default_timezone = $3,
            calling_window = '{"start":"00:00","end":"23:59","days":[1,2,3,4,5,6,7]}' WHERE id = $1`,
    [c.campaignId, maxAttempts, zone]);
  return c;
}

async function addPending(c: SeededCampaign, phone: string, dueAt: Date, attempts = 0): Promise<void> {
  await ctx.ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts, next_attempt_at) VALUES ($1, $2, $3, 'pending', $4, $5)`,
    [c.tenantId, c.campaignId, phone, attempts, dueAt]);
}

describe('metrics-aggregator: the dialable-now gauge applies the feeder\'s rule', () => {
  test('when the campaign\'s window is open but the callee\'s rule pack is closed, then the lead is not dialable now', async () => {
    const c = await openAllDay('America/New_York');
    await addPending(c, '+12125550123', new Date('2026-01-01T00:00:00Z'));
    // 03:00 in New York: inside the campaign's 00:00-23:59, outside the US pack's 08:00-21:00.
    expect((await slotFigures({ ds: ctx.ds, lease }, new Date('2026-01-15T08:00:00Z'))).dialableNow).toBe(0);
    // 10:00 in New York: both open.
    expect((await slotFigures({ ds: ctx.ds, lease }, new Date('2026-01-15T15:00:00Z'))).dialableNow).toBe(1);
  });

  test('when a pending lead has no attempts left, then it is not dialable (the feeder ends it instead)', async () => {
    const c = await openAllDay('Europe/London', 2);
    await addPending(c, '+442079460001', new Date('2026-01-01T00:00:00Z'), 2);
    await addPending(c, '+442079460002', new Date('2026-01-01T00:00:00Z'), 1);
    expect((await slotFigures({ ds: ctx.ds, lease }, new Date('2026-01-15T12:00:00Z'))).dialableNow).toBe(1);
  });

  test('when the dialer\'s clock runs ahead of the database\'s, then a lead due by the dialer\'s clock counts', async () => {
    const c = await openAllDay('Europe/London');
    // The dialer's "now" is tomorrow noon UTC (at least 12 hours ahead); the lead is due in one real hour.
    const noonTomorrow = new Date();
    noonTomorrow.setUTCDate(noonTomorrow.getUTCDate() + 1);
    noonTomorrow.setUTCHours(12, 0, 0, 0);
    clock.setClockOffset(noonTomorrow.getTime() - Date.now());
    try {
      await addPending(c, '+442079460003', new Date(Date.now() + 3_600_000));
      expect((await slotFigures({ ds: ctx.ds, lease })).dialableNow).toBe(1);
    } finally {
      clock.setClockOffset(0);
    }
  });
});
