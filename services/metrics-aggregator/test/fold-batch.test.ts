import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { foldCallAttempt, foldCallAttempts, type DataSource } from '@dialer/db';
import { createLogger, loadConfig } from '@dialer/platform';
import { createQueue, QUEUES } from '@dialer/queue';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';
import { MetricsAggregatorConfig } from '../src/config';
import { startService } from '../src/service';
import { addLead, seedCampaign, type SeededCampaign } from './fixtures';

/**
 * Folding many ended calls in one transaction (foldCallAttempts, and the aggregator's batches of
 * callFinished jobs) must leave exactly what folding them one by one leaves.
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext('foldbatch');
});
afterAll(async () => {
  await ctx?.close();
});

const OUTCOMES = ['answered', 'busy', 'no_answer', 'voicemail', 'failed', 'canceled', 'opted_out', 'provider_error'] as const;

/** Call i: its campaign (of two), outcome, length, and dial and end times spread over minutes and hours. */
function call(i: number): { campaign: number; outcome: string; duration: number | null; dialedMin: number; endedSec: number } {
  const outcome = OUTCOMES[i % OUTCOMES.length]!;
  return { campaign: i % 3 === 0 ? 1 : 0, outcome, duration: i % 5 === 0 ? null : 7 * i, dialedMin: (i * 17) % 130, endedSec: (i * 41) % 90 };
}

/** A world: two campaigns and `n` ended, unfolded attempts at fixed instants (from `base`). */
async function world(ds: DataSource, n: number, base: Date): Promise<{ campaigns: SeededCampaign[]; attempts: string[] }> {
  const campaigns = [await seedCampaign(ds, 'draft'), await seedCampaign(ds, 'draft')];
  const attempts: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = call(i);
    const c = campaigns[s.campaign]!;
    const lead = await addLead(ds, c, { status: 'done', disposition: s.outcome, attempts: 1 });
    const dialed = new Date(base.getTime() + s.dialedMin * 60_000);
    const [row] = await ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status, outcome, raw_status,
          duration_seconds, lead_final, created_at, dialed_at, ended_at)
       VALUES ($1, $2, $3, 1, 'twilio', 'completed', $4, 'completed', $5, true, $6, $6, $7) RETURNING id`,
      [c.tenantId, c.campaignId, lead, s.outcome, s.duration, dialed, new Date(dialed.getTime() + s.endedSec * 1000)]);
    attempts.push(row.id);
  }
  return { campaigns, attempts };
}

/** What the fold leaves for a campaign: its counters and its buckets. */
async function folded(ds: DataSource, campaignId: string): Promise<unknown> {
  const [s] = await ds.query(
    `SELECT calls_ended, connected, voicemail, busy, no_answer, failed, canceled, talk_seconds, dnc_suppressed
       FROM campaign_stats WHERE campaign_id = $1`, [campaignId]);
  const buckets = await ds.query(
    `SELECT granularity, bucket_start, dials, calls_ended, connected, voicemail, busy, no_answer, failed, canceled, talk_seconds
       FROM campaign_stat_buckets WHERE campaign_id = $1 ORDER BY granularity, bucket_start`, [campaignId]);
  return { stats: s, buckets };
}

describe('folding ended calls in batches', () => {
  it('when 40 calls of two campaigns are folded in one batch (with a repeated id, an open call and an unknown id), then counters and buckets equal folding them one by one, and each call counts once', async () => {
    const base = new Date('2026-11-30T10:37:00Z');
    const one = await world(ctx.ds, 40, base);
    const many = await world(ctx.ds, 40, base);
    for (const id of one.attempts) expect((await foldCallAttempt(ctx.ds, id)).counted).toBe(true);

    const [open] = await ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status)
       SELECT tenant_id, campaign_id, lead_id, 2, 'twilio', 'in_progress' FROM call_attempts WHERE id = $1 RETURNING id`, [many.attempts[0]]);
    const unknown = randomUUID();
    const ids = [...many.attempts, many.attempts[3]!, open.id, unknown];
    const results = await foldCallAttempts(ctx.ds, ids);
    expect(results).toHaveLength(ids.length);
    results.slice(0, 40).forEach((r, i) => {
      expect(r).toMatchObject({ counted: true, campaignId: many.campaigns[call(i).campaign]!.campaignId, outcome: call(i).outcome });
    });
    expect(results.slice(40)).toEqual([{ counted: false }, { counted: false }, { counted: false }]);

    for (const k of [0, 1]) {
      const a = await folded(ctx.ds, one.campaigns[k]!.campaignId);
      expect(await folded(ctx.ds, many.campaigns[k]!.campaignId)).toEqual(a);
      expect((a as { buckets: unknown[] }).buckets.length).toBeGreaterThan(4); // spread over several minutes and hours
    }
    // Folding again counts nothing.
    expect((await foldCallAttempts(ctx.ds, many.attempts)).every((r) => !r.counted)).toBe(true);
    expect(await folded(ctx.ds, many.campaigns[0]!.campaignId)).toEqual(await folded(ctx.ds, one.campaigns[0]!.campaignId));
  });

  it('when 40 calls are folded in one batch, then it takes no more statements than folding one', async () => {
    // Round trips are counted on the pg client every statement goes through (the real one, spied on).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pg = require(require.resolve('pg', { paths: [path.join(REPO_ROOT, 'packages', 'db')] })) as typeof import('pg');
    const statements = async (ids: string[]): Promise<number> => {
      const spy = jest.spyOn(pg.Client.prototype, 'query');
      try {
        expect((await foldCallAttempts(ctx.ds, ids)).every((r) => r.counted)).toBe(true);
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    };
    const w = await world(ctx.ds, 42, new Date('2026-11-30T12:00:00Z'));
    await statements(w.attempts.slice(0, 1)); // warms up
    const single = await statements(w.attempts.slice(1, 2));
    const forty = await statements(w.attempts.slice(2));
    expect(single).toBeGreaterThan(0);
    expect(forty).toBe(single);
  });
});

describe('metrics-aggregator: callFinished jobs arriving together', () => {
  let svc: { stop(): Promise<void> } | undefined;
  let queue: Queue | undefined;
  const logged: Array<Record<string, unknown>> = [];
  afterAll(async () => {
    await svc?.stop();
    await queue?.close();
  });

  it('when 60 jobs of two finished campaigns arrive at once, then every call counts once, each campaign completes once, and a job naming another tenant\'s attempt fails alone', async () => {
    const w = await world(ctx.ds, 60, new Date('2026-11-30T14:00:00Z'));
    await ctx.ds.query(`UPDATE campaigns SET status = 'running', started_at = now() WHERE id = ANY($1::uuid[])`,
      [w.campaigns.map((c) => c.campaignId)]);
    const before: Array<{ version: number }> = await ctx.ds.query(
      `SELECT version FROM campaigns WHERE id = ANY($1::uuid[]) ORDER BY id`, [w.campaigns.map((c) => c.campaignId)]);
    queue = createQueue('callFinished', ctx.redis, ctx.queuePrefix);
    const name = QUEUES.callFinished.name;
    const jobs = w.attempts.map((id, i) => ({ name, data: { ...w.campaigns[call(i).campaign]!, callAttemptId: id }, opts: { jobId: id } }));
    // The first attempt named under the other campaign's tenant: not that tenant's, so it must fail without counting.
    const stranger = { name, data: { ...w.campaigns[1]!, callAttemptId: w.attempts[1]! }, opts: { jobId: 'stranger', attempts: 1 } };
    await queue.addBulk([...jobs, stranger]);

    // Started after the jobs are in, so they are taken together (the sweep is kept out of the way).
    const cfg = loadConfig(MetricsAggregatorConfig, { ...ctx.env, METRICS_AGGREGATOR_PORT: '0', AGGREGATOR_SWEEP_MS: '3600000' });
    svc = await startService(cfg, createLogger({
      service: 'metrics-aggregator', level: 'warn', destination: { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) },
    }));
    const states = async () => Promise.all([...jobs, stranger].map(async (j) => (await queue!.getJob(j.opts.jobId))?.getState()));
    await eventually(async () => (await states()).every((s) => s === 'completed' || s === 'failed'), { what: 'every job processed' });
    expect((await states()).filter((s) => s === 'failed')).toHaveLength(1);
    expect(await (await queue.getJob('stranger'))!.getState()).toBe('failed');

    const [{ n }] = await ctx.ds.query(`SELECT count(*)::int AS n FROM call_attempts WHERE id = ANY($1::uuid[]) AND counted_at IS NOT NULL`, [w.attempts]);
    expect(n).toBe(60);
    for (const [k, c] of w.campaigns.entries()) {
      const mine = w.attempts.filter((_, i) => call(i).campaign === k).length;
      const [s] = await ctx.ds.query(`SELECT calls_ended::int AS ended FROM campaign_stats WHERE campaign_id = $1`, [c.campaignId]);
      expect(s.ended).toBe(mine);
      const [camp] = await ctx.ds.query(`SELECT status FROM campaigns WHERE id = $1`, [c.campaignId]);
      expect(camp.status).toBe('completed');
    }
    // Completed once each: one version step (a second completion would be a second step).
    const versions: Array<{ version: number }> = await ctx.ds.query(
      `SELECT version FROM campaigns WHERE id = ANY($1::uuid[]) ORDER BY id`, [w.campaigns.map((c) => c.campaignId)]);
    expect(versions.map((v) => v.version)).toEqual(before.map((v) => v.version + 1));
    const completedBy = await Promise.all(jobs.map(async (j) => (await queue!.getJob(j.opts.jobId))?.returnvalue as { completed: boolean }));
    expect(completedBy.filter((r) => r.completed)).toHaveLength(2); // one job per campaign says it completed it
  });
});
