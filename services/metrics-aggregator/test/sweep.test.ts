import { loadConfig } from '@dialer/platform';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';
import { MetricsAggregatorConfig } from '../src/config';
import { startService } from '../src/service';
import { addEndedAttempt, addLead, campaign, seedCampaign, startCampaign, stats } from './fixtures';

let ctx: TestContext;
let svc: { port: number; stop(): Promise<void> };

beforeAll(async () => {
  ctx = await createTestContext('aggsweep');
  const cfg = loadConfig(MetricsAggregatorConfig, { ...ctx.env, METRICS_AGGREGATOR_PORT: '0', AGGREGATOR_SWEEP_MS: '200' });
  svc = await startService(cfg);
});

afterAll(async () => {
  await svc?.stop();
  await ctx?.close();
});

describe('metrics-aggregator: sweep', () => {
  test('when an attempt ended a while ago and no job ever folded it, then the sweep folds it once', async () => {
    const c = await seedCampaign(ctx.ds, 'draft');
    const lead = await addLead(ctx.ds, c, { status: 'pending', disposition: 'voicemail', attempts: 1 });
    await addLead(ctx.ds, c, { status: 'pending' });
    await startCampaign(ctx.ds, c);
    const a = await addEndedAttempt(ctx.ds, c, lead, { status: 'completed', outcome: 'voicemail', durationSeconds: 25, leadFinal: false, endedSecondsAgo: 10 });
    await eventually(async () => {
      const [row] = await ctx.ds.query(`SELECT counted_at FROM call_attempts WHERE id = $1`, [a]);
      return row.counted_at !== null;
    }, { what: 'the sweep to fold the attempt' });
    expect(await stats(ctx.ds, c.campaignId)).toMatchObject({
      calls_ended: '1', voicemail: '1', connected: '0', talk_seconds: '25',
    });
    expect((await campaign(ctx.ds, c.campaignId)).status).toBe('running');
  });

  test('when every lead of a running campaign ended without a call (all DNC), then the sweep completes it, and campaigns with open leads or a running import stay running', async () => {
    const open = await seedCampaign(ctx.ds, 'draft');
    await addLead(ctx.ds, open, { status: 'queued' });
    await startCampaign(ctx.ds, open);
    const importing = await seedCampaign(ctx.ds, 'draft');
    await ctx.ds.query(`INSERT INTO import_jobs (tenant_id, campaign_id, status) VALUES ($1, $2, 'running')`,
      [importing.tenantId, importing.campaignId]);
    await startCampaign(ctx.ds, importing);
    const dnc = await seedCampaign(ctx.ds);
    await addLead(ctx.ds, dnc, { status: 'done', disposition: 'dnc' });
    await addLead(ctx.ds, dnc, { status: 'done', disposition: 'dnc' });

    const done = await eventually(async () => {
      const row = await campaign(ctx.ds, dnc.campaignId);
      return row.status === 'completed' ? row : null;
    }, { what: 'the all-DNC campaign completed' });
    expect(done.completed_at).not.toBeNull();
    expect((await campaign(ctx.ds, open.campaignId)).status).toBe('running');
    expect((await campaign(ctx.ds, importing.campaignId)).status).toBe('running');
  });
});
