import axios from 'axios';
import type { Queue } from 'bullmq';
import { createLogger, loadConfig } from '@dialer/platform';
import { createQueue, QUEUES } from '@dialer/queue';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';
import { MetricsAggregatorConfig } from '../src/config';
import { foldCallAttempt } from '@dialer/db';
import { startService } from '../src/service';
import { addEndedAttempt, addLead, campaign, seedCampaign, stats } from './fixtures';

let ctx: TestContext;
let svc: { port: number; stop(): Promise<void> };
const logged: Array<Record<string, unknown>> = [];
let callFinished: Queue;

beforeAll(async () => {
  ctx = await createTestContext('aggjobs');
  // The sweep is kept out of the way here: these tests are about the callFinished jobs.
  const cfg = loadConfig(MetricsAggregatorConfig, { ...ctx.env, METRICS_AGGREGATOR_PORT: '0', AGGREGATOR_SWEEP_MS: '3600000' });
  // Its log is read by the tests (expected warnings are asserted, not printed).
  svc = await startService(cfg, createLogger({ service: 'metrics-aggregator', level: 'warn', destination: { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) } }));
  callFinished = createQueue('callFinished', ctx.redis, ctx.queuePrefix);
});

afterAll(async () => {
  await svc?.stop();
  await callFinished?.close();
  await ctx?.close();
});

async function counted(id: string): Promise<boolean> {
  const [row] = await ctx.ds.query(`SELECT counted_at FROM call_attempts WHERE id = $1`, [id]);
  return row?.counted_at != null;
}

async function jobDone(id: string): Promise<boolean> {
  const job = await callFinished.getJob(id);
  return (await job?.getState()) === 'completed';
}

describe('metrics-aggregator: callFinished jobs', () => {
  test('when callFinished jobs arrive (one of them twice), then each attempt is folded into the stats exactly once and a campaign with an open lead stays running', async () => {
    const c = await seedCampaign(ctx.ds);
    const answeredLead = await addLead(ctx.ds, c, { status: 'done', disposition: 'answered', attempts: 1 });
    const busyLead = await addLead(ctx.ds, c, { status: 'pending', disposition: 'busy', attempts: 1 });
    const a1 = await addEndedAttempt(ctx.ds, c, answeredLead, { status: 'completed', outcome: 'answered', durationSeconds: 60, leadFinal: true });
    const a2 = await addEndedAttempt(ctx.ds, c, busyLead, { status: 'busy', outcome: 'busy', leadFinal: false });

    const name = QUEUES.callFinished.name;
    await callFinished.add(name, { ...c, callAttemptId: a1 }, { jobId: a1 });
    await callFinished.add(name, { ...c, callAttemptId: a1 }, { jobId: a1 });
    await callFinished.add(name, { ...c, callAttemptId: a2 }, { jobId: a2 });
    await eventually(async () => (await jobDone(a1)) && (await jobDone(a2)), { what: 'both jobs processed' });
    expect(await counted(a1)).toBe(true);
    expect(await counted(a2)).toBe(true);
    // A redelivery under another job id, and a direct second fold, count nothing more.
    await callFinished.add(name, { ...c, callAttemptId: a1 }, { jobId: `${a1}-again` });
    await eventually(() => jobDone(`${a1}-again`), { what: 'the redelivered job processed' });
    expect(await foldCallAttempt(ctx.ds, a1)).toEqual({ counted: false });

    expect(await stats(ctx.ds, c.campaignId)).toMatchObject({
      calls_ended: '2', connected: '1', busy: '1', voicemail: '0', talk_seconds: '60',
    });
    expect((await campaign(ctx.ds, c.campaignId)).status).toBe('running');
  });

  test('when the last open lead ends, then its fold completes the campaign with completed_at', async () => {
    const c = await seedCampaign(ctx.ds);
    const first = await addLead(ctx.ds, c, { status: 'done', disposition: 'answered', attempts: 1 });
    const last = await addLead(ctx.ds, c, { status: 'done', disposition: 'exhausted', attempts: 3 });
    const a1 = await addEndedAttempt(ctx.ds, c, first, { status: 'completed', outcome: 'answered', durationSeconds: 20, leadFinal: true });
    const a3 = await addEndedAttempt(ctx.ds, c, last, { status: 'no_answer', outcome: 'no_answer', leadFinal: true, attemptNo: 3 });
    await callFinished.add(QUEUES.callFinished.name, { ...c, callAttemptId: a1 }, { jobId: a1 });
    await callFinished.add(QUEUES.callFinished.name, { ...c, callAttemptId: a3 }, { jobId: a3 });

    const done = await eventually(async () => {
      const row = await campaign(ctx.ds, c.campaignId);
      return row.status === 'completed' ? row : null;
    }, { what: 'the campaign completed' });
    expect(done.completed_at).not.toBeNull();
    expect(done.version).toBe(2);
    await eventually(async () => (await counted(a1)) && (await counted(a3)), { what: 'both attempts folded' });
    expect(await stats(ctx.ds, c.campaignId)).toMatchObject({
      calls_ended: '2', connected: '1', talk_seconds: '20',
    });
  });

  test('when a job payload is invalid or names another tenant\'s attempt, then the job fails without retries and nothing is counted', async () => {
    const c = await seedCampaign(ctx.ds);
    const other = await seedCampaign(ctx.ds);
    const lead = await addLead(ctx.ds, c, { status: 'done', disposition: 'answered', attempts: 1 });
    const a = await addEndedAttempt(ctx.ds, c, lead, { status: 'completed', outcome: 'answered', durationSeconds: 5, leadFinal: true });

    const bad = await callFinished.add(QUEUES.callFinished.name, { tenantId: 'nope', campaignId: c.campaignId }, { jobId: 'bad-payload' });
    const foreign = await callFinished.add(QUEUES.callFinished.name, { tenantId: other.tenantId, campaignId: other.campaignId, callAttemptId: a }, { jobId: 'foreign' });
    for (const job of [bad, foreign]) {
      await eventually(async () => (await job.getState()) === 'failed', { what: `job ${job.id} failed` });
      const fresh = await callFinished.getJob(String(job.id));
      expect(fresh?.attemptsMade).toBe(1);
    }
    expect((await callFinished.getJob('bad-payload'))?.failedReason).toMatch(/tenantId|callAttemptId/);
    expect(await counted(a)).toBe(false);
    // Each failure is logged once, as a warning naming the job.
    expect(logged.filter((l) => l.msg === 'callFinished job failed').map((l) => l.jobId).sort()).toEqual(['bad-payload', 'foreign']);
  });

  test('when /metrics is scraped, then it exposes folds, completions, queue depths and live calls', async () => {
    const health = await axios.get(`http://127.0.0.1:${svc.port}/healthz`);
    expect(health.data).toEqual({ status: 'ok' });
    const { data } = await axios.get<string>(`http://127.0.0.1:${svc.port}/metrics`, { responseType: 'text' });
    expect(data).toMatch(/dialer_calls_folded_total\{outcome="answered",service="metrics-aggregator"\} [1-9]/);
    expect(data).toMatch(/dialer_campaigns_completed_total\{service="metrics-aggregator"\} [1-9]/);
    expect(data).toMatch(/dialer_queue_jobs\{queue="dial",state="waiting",service="metrics-aggregator"\} 0/);
    expect(data).toMatch(/dialer_queue_jobs\{queue="call-finished",state="failed",service="metrics-aggregator"\} [1-9]/);
    expect(data).toMatch(/dialer_live_calls\{service="metrics-aggregator"\} \d+/);
  });
});
