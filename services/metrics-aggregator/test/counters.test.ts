import { randomUUID } from 'node:crypto';
import axios from 'axios';
import { foldCallAttempt, readLeadCounts, recountCampaign } from '@dialer/db';
import { loadConfig } from '@dialer/platform';
import { campaignEventsChannel, ConcurrencyLease, createQueue, dialPriority, QUEUES, type Redis } from '@dialer/queue';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';
import { MetricsAggregatorConfig } from '../src/config';
import { startService } from '../src/service';
import { addEndedAttempt, addLead, seedCampaign } from './fixtures';

let ctx: TestContext;
let svc: { port: number; stop(): Promise<void> };
let sub: Redis;

beforeAll(async () => {
  ctx = await createTestContext('aggcount');
  const cfg = loadConfig(MetricsAggregatorConfig, {
    ...ctx.env, METRICS_AGGREGATOR_PORT: '0', AGGREGATOR_SWEEP_MS: '3600000', AGGREGATOR_COUNTS_MS: '50',
  });
  svc = await startService(cfg);
  sub = ctx.redis.duplicate();
});

afterAll(async () => {
  await svc?.stop();
  sub?.disconnect();
  await ctx?.close();
});

async function pendingDeltas(campaignId: string): Promise<number> {
  const [r] = await ctx.ds.query(`SELECT count(*)::int AS n FROM lead_count_deltas WHERE campaign_id = $1`, [campaignId]);
  return r.n;
}

describe('metrics-aggregator: lead counters, time buckets, live messages', () => {
  test('when leads are inserted, moved through every state, qualified and deleted by many statements, then the counters equal a recount and the deltas get folded', async () => {
    const c = await seedCampaign(ctx.ds);
    await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164)
       SELECT $1, $2, '+1202' || lpad(g::text, 7, '0') FROM generate_series(1, 500) g`, [c.tenantId, c.campaignId]);
    const move = (sql: string) => ctx.ds.query(sql.replace('$campaign', `'${c.campaignId}'`));
    await move(`UPDATE leads SET status = 'queued' WHERE campaign_id = $campaign AND phone_e164 < '+12020000200'`);
    await move(`UPDATE leads SET status = 'dialing', attempts = 1 WHERE campaign_id = $campaign AND phone_e164 < '+12020000100'`);
    await move(`UPDATE leads SET status = 'done', disposition = 'answered', qualified = true WHERE campaign_id = $campaign AND phone_e164 < '+12020000040'`);
    await move(`UPDATE leads SET status = 'done', disposition = 'exhausted' WHERE campaign_id = $campaign AND phone_e164 BETWEEN '+12020000040' AND '+12020000059'`);
    await move(`UPDATE leads SET status = 'done', disposition = 'invalid_number' WHERE campaign_id = $campaign AND phone_e164 = '+12020000060'`);
    await move(`UPDATE leads SET next_attempt_at = now() + interval '1 hour' WHERE campaign_id = $campaign`);
    await move(`DELETE FROM leads WHERE campaign_id = $campaign AND phone_e164 > '+12020000490'`);
    // A rolled-back change counts nothing.
    await ctx.ds.transaction(async (m) => {
      await m.query(`UPDATE leads SET status = 'done', disposition = 'dnc' WHERE campaign_id = $1`, [c.campaignId]);
      throw new Error('rollback');
    }).catch(() => undefined);

    const counts = await readLeadCounts(ctx.ds, c.tenantId, c.campaignId);
    const [sum] = await ctx.ds.query(`SELECT COALESCE(sum(attempts), 0)::int AS n FROM leads WHERE campaign_id = $1`, [c.campaignId]);
    expect(counts).toEqual({
      total: 490, pending: 291, queued: 100, dialing: 39, done: 60, qualified: 39, attempts: sum.n,
      dispositions: { answered: 39, exhausted: 20, invalid_number: 1 },
    });
    await eventually(async () => (await pendingDeltas(c.campaignId)) === 0, { what: 'the deltas folded' });
    expect(await readLeadCounts(ctx.ds, c.tenantId, c.campaignId)).toEqual(counts);
    const report = await recountCampaign(ctx.ds, c.tenantId, c.campaignId);
    expect(report.differences.filter((d) => d.field.startsWith('leads.'))).toEqual([]);
  });

  test('when calls are folded, then the minute and hour buckets count each dial where it was placed and each outcome where it ended, once', async () => {
    const c = await seedCampaign(ctx.ds);
    const l1 = await addLead(ctx.ds, c, { status: 'done', disposition: 'answered', attempts: 1 });
    const l2 = await addLead(ctx.ds, c, { status: 'pending', disposition: 'busy', attempts: 1 });
    const a1 = await addEndedAttempt(ctx.ds, c, l1, { status: 'completed', outcome: 'answered', durationSeconds: 42, leadFinal: true, endedSecondsAgo: 0 });
    const a2 = await addEndedAttempt(ctx.ds, c, l2, { status: 'busy', outcome: 'busy', leadFinal: false, endedSecondsAgo: 0 });
    expect((await foldCallAttempt(ctx.ds, a1)).counted).toBe(true);
    expect((await foldCallAttempt(ctx.ds, a2)).counted).toBe(true);
    expect((await foldCallAttempt(ctx.ds, a1)).counted).toBe(false);

    const rows: Array<Record<string, string>> = await ctx.ds.query(
      `SELECT granularity, bucket_start, dials, calls_ended, connected, busy, talk_seconds FROM campaign_stat_buckets
        WHERE campaign_id = $1 ORDER BY granularity, bucket_start`, [c.campaignId]);
    const minute = rows.filter((r) => r.granularity === 'minute');
    const sum = (rs: Array<Record<string, string>>, k: string) => rs.reduce((a, r) => a + Number(r[k]), 0);
    // Dialed two minutes ago, ended now: two different minute buckets.
    expect(minute.length).toBe(2);
    expect(Number(minute[0]!.dials)).toBe(2);
    expect(Number(minute[0]!.calls_ended)).toBe(0);
    expect(Number(minute[1]!.calls_ended)).toBe(2);
    for (const g of ['minute', 'hour']) {
      const rs = rows.filter((r) => r.granularity === g);
      expect([sum(rs, 'dials'), sum(rs, 'calls_ended'), sum(rs, 'connected'), sum(rs, 'busy'), sum(rs, 'talk_seconds')]).toEqual([2, 2, 1, 1, 42]);
    }
    const report = await recountCampaign(ctx.ds, c.tenantId, c.campaignId);
    expect(report.differences.filter((d) => d.field.startsWith('buckets.'))).toEqual([]);
  });

  test('when a lead changes state or a call is folded, then a message goes out on the campaign channel', async () => {
    const c = await seedCampaign(ctx.ds);
    const messages: Array<{ type: string; call?: { outcome: string } }> = [];
    sub.on('message', (_ch: string, m: string) => messages.push(JSON.parse(m)));
    await sub.subscribe(campaignEventsChannel(ctx.queuePrefix, c.campaignId));
    const lead = await addLead(ctx.ds, c, { status: 'done', disposition: 'voicemail', attempts: 1 });
    await eventually(async () => messages.some((m) => m.type === 'stats'), { what: 'a stats message' });
    const a = await addEndedAttempt(ctx.ds, c, lead, { status: 'completed', outcome: 'voicemail', durationSeconds: 9, leadFinal: true });
    const q = createQueue('callFinished', ctx.redis, ctx.queuePrefix);
    try {
      await q.add(QUEUES.callFinished.name, { ...c, callAttemptId: a }, { jobId: a });
      await eventually(async () => messages.some((m) => m.type === 'call' && m.call?.outcome === 'voicemail'), { what: 'a call message' });
    } finally {
      await q.close();
    }
  });

  test('when /metrics is scraped, then leases held and dialable-now reflect running campaigns, their slots and windows', async () => {
    const c = await seedCampaign(ctx.ds);
    await ctx.ds.query(
      `UPDATE campaigns SET max_concurrent_calls = 3, calling_window = '{"start":"00:00","end":"23:59","days":[1,2,3,4,5,6,7]}',
              default_timezone = 'UTC' WHERE id = $1`, [c.campaignId]);
    for (let i = 0; i < 4; i++) await addLead(ctx.ds, c, { status: 'pending' });
    // Numbers without a rule pack, so the window is the campaign's alone at any hour of the run.
    await ctx.ds.query(`UPDATE leads SET phone_e164 = '+44' || substr(phone_e164, 3) WHERE campaign_id = $1`, [c.campaignId]);
    await new ConcurrencyLease(ctx.redis, ctx.queuePrefix).acquire(c.campaignId, 'lead-a1', 3, 60_000);
    const { data } = await axios.get<string>(`http://127.0.0.1:${svc.port}/metrics`, { responseType: 'text' });
    const gauge = (name: string) => Number(new RegExp(`^${name}\\{service="metrics-aggregator"\\} (\\d+)`, 'm').exec(data)?.[1]);
    // This campaign contributes min(3 slots - 1 held, 4 leads due in an open window) = 2; others may add more.
    expect(gauge('dialer_leases_held')).toBeGreaterThanOrEqual(1);
    expect(gauge('dialer_dialable_now')).toBeGreaterThanOrEqual(2);
    expect(data).toMatch(/dialer_queue_jobs\{queue="dial",state="delayed",service="metrics-aggregator"\} \d+/);
    expect(data).toMatch(/dialer_queue_jobs\{queue="dial",state="active",service="metrics-aggregator"\} \d+/);
    expect(data).toMatch(/dialer_live_calls\{service="metrics-aggregator"\} \d+/);
  });

  test('when dial jobs wait with a priority (as the feeder adds them) or without, then /metrics counts both as waiting', async () => {
    const q = createQueue('dial', ctx.redis, ctx.queuePrefix);
    try {
      const before = await q.getJobCounts('waiting', 'prioritized');
      const job = (lead: string) => ({ tenantId: randomUUID(), campaignId: randomUUID(), leadId: lead, attemptNo: 1 });
      await q.add(QUEUES.dial.name, job(randomUUID()), { priority: dialPriority(3) });
      await q.add(QUEUES.dial.name, job(randomUUID()));
      const { data } = await axios.get<string>(`http://127.0.0.1:${svc.port}/metrics`, { responseType: 'text' });
      const waiting = Number(/dialer_queue_jobs\{queue="dial",state="waiting",service="metrics-aggregator"\} (\d+)/.exec(data)?.[1]);
      expect(waiting).toBe((before.waiting ?? 0) + (before.prioritized ?? 0) + 2);
    } finally {
      await q.drain();
      await q.close();
    }
  });
});
