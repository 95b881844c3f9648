/**
 * A campaign does not complete while an ended call's post-call report may still come (Vapi sends
 * the status-update "ended" first and the end-of-call-report, with the AI's analysis, after it):
 * a callback that report asks for would be refused by a completed campaign. Real webhook-ingest
 * (the Vapi webhooks as provider-sim sends them) and real metrics-aggregator, in this process.
 */
import axios from 'axios';
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { clock, createLogger, encryptSecret, loadConfig, secretsKey } from '@dialer/platform';
import { createQueue } from '@dialer/queue';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';
import { startService as startWebhookIngest, WebhookIngestConfig } from '@dialer/webhook-ingest';
import { MetricsAggregatorConfig } from '../src/config';
import { startService } from '../src/service';
import { campaign } from './fixtures';

const VAPI_SECRET = 'vapi-secret-0123456789abcdef';
const WEEK_MS = 7 * 86_400_000;

let ctx: TestContext;
let aggregator: { stop(): Promise<void> };
let ingest: { port: number; stop(): Promise<void> };
let key: string;
let callFinished: Queue;
const quiet = { write: (): void => undefined };

beforeAll(async () => {
  ctx = await createTestContext('aggreport');
  // The sweep is kept out of the way: the completion check under test is the one each callFinished job runs.
  aggregator = await startService(
    loadConfig(MetricsAggregatorConfig, { ...ctx.env, METRICS_AGGREGATOR_PORT: '0', AGGREGATOR_SWEEP_MS: '3600000' }),
    createLogger({ service: 'metrics-aggregator', level: 'warn', destination: quiet }));
  const ingestCfg = loadConfig(WebhookIngestConfig, { ...ctx.env, WEBHOOK_INGEST_PORT: '0', WEBHOOK_PUBLIC_URL: 'https://hooks.dialer.example', WEBHOOK_SWEEP_MS: '200' });
  key = secretsKey(ingestCfg);
  ingest = await startWebhookIngest(ingestCfg,
    createLogger({ service: 'webhook-ingest', level: 'warn', destination: quiet }));
  callFinished = createQueue('callFinished', ctx.redis, ctx.queuePrefix);
});

afterEach(() => clock.setClockOffset(0));

afterAll(async () => {
  await ingest?.stop();
  await aggregator?.stop();
  await callFinished?.close();
  await ctx?.close();
});

interface Seeded {
  campaignId: string;
  leadId: string;
  attemptId: string;
  connectionId: string;
  callId: string;
}

/** A running Vapi campaign whose only lead is in its first call (of 3): an answered end settles it for good. */
async function seedLastCall(): Promise<Seeded> {
  const [tenant] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('acme') RETURNING id`);
  const sealed = encryptSecret(JSON.stringify({ apiKey: 'k', webhookSecret: VAPI_SECRET }), key);
  const [conn] = await ctx.ds.query(
    `INSERT INTO provider_connections (tenant_id, name, type, config, secrets_sealed) VALUES ($1, 'vapi', 'vapi', $2::jsonb, $3) RETURNING id`,
    [tenant.id, JSON.stringify({ assistantId: 'a', phoneNumberId: 'p' }), sealed]);
  const [c] = await ctx.ds.query(
    `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, max_attempts, started_at)
     VALUES ($1, 'spring', 'running', $2, 3, now()) RETURNING id`, [tenant.id, conn.id]);
  await ctx.ds.query(`INSERT INTO campaign_stats (campaign_id, tenant_id) VALUES ($1, $2)`, [c.id, tenant.id]);
  const [lead] = await ctx.ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, timezones, status, attempts, last_attempt_at)
     VALUES ($1, $2, '+12025550187', '{America/New_York}', 'dialing', 1, now()) RETURNING id`, [tenant.id, c.id]);
  const attemptId = randomUUID();
  const callId = randomUUID();
  await ctx.ds.query(
    `INSERT INTO call_attempts (id, tenant_id, campaign_id, lead_id, attempt_no, provider, provider_connection_id, provider_call_id, status, dialed_at)
     VALUES ($1, $2, $3, $4, 1, 'vapi', $5, $6, 'in_progress', now())`, [attemptId, tenant.id, c.id, lead.id, conn.id, callId]);
  return { campaignId: c.id, leadId: lead.id, attemptId, connectionId: conn.id, callId };
}

/** A Vapi server message as provider-sim sends it; `timestamp` is the provider's clock (real time). */
async function postVapi(s: Seeded, message: Record<string, unknown>, timestamp = Date.now()): Promise<void> {
  const r = await axios.post(`http://127.0.0.1:${ingest.port}/v1/webhooks/vapi/${s.connectionId}?attemptId=${s.attemptId}`,
    JSON.stringify({ message: { call: { id: s.callId }, timestamp, ...message } }),
    { headers: { 'Content-Type': 'application/json', 'x-vapi-secret': VAPI_SECRET }, validateStatus: () => true });
  expect(r.status).toBe(200);
}

const ENDED = { type: 'status-update', status: 'ended', endedReason: 'customer-ended-call' };
const report = (structuredData: Record<string, unknown>) => ({
  type: 'end-of-call-report', endedReason: 'customer-ended-call', durationSeconds: 42, analysis: { summary: 'call me back', structuredData },
});

/** The completion check the ended call's callFinished job ran: whether it completed the campaign. */
async function completionCheck(s: Seeded): Promise<boolean> {
  const result = await eventually(async () => {
    const job = await callFinished.getJob(s.attemptId);
    return (await job?.getState()) === 'completed' ? job!.returnvalue as { completed: boolean } : null;
  }, { what: 'the ended call\'s callFinished job (fold and completion check) done' });
  return result.completed;
}

const lead = async (id: string): Promise<{ status: string; next_attempt_at: Date | null }> =>
  (await ctx.ds.query(`SELECT status, next_attempt_at FROM leads WHERE id = $1`, [id]))[0];
const callbacks = async (leadId: string): Promise<Array<{ source: string; status: string; requested_at: Date }>> =>
  ctx.ds.query(`SELECT source, status, requested_at FROM callbacks WHERE lead_id = $1`, [leadId]);

describe('metrics-aggregator: campaign completion waits for post-call reports', () => {
  test('when the last lead\'s call ends by status update and its report asks for a callback later, then the campaign stays running and takes the callback', async () => {
    // The shared fake clock a week ahead, as the end-to-end tests run it; the provider's timestamps stay real time.
    clock.setClockOffset(WEEK_MS);
    const s = await seedLastCall();
    await postVapi(s, ENDED);
    expect(await completionCheck(s)).toBe(false);
    expect((await lead(s.leadId)).status).toBe('done');
    expect((await campaign(ctx.ds, s.campaignId)).status).toBe('running');

    const callbackAt = new Date(clock.nowMs() + 86_400_000);
    await postVapi(s, report({ interested: true, callbackAt: callbackAt.toISOString() }));
    await eventually(async () => (await lead(s.leadId)).status === 'pending', { what: 'the lead reopened by the analysis callback' });
    expect(await callbacks(s.leadId)).toMatchObject([{ source: 'analysis', status: 'pending', requested_at: callbackAt }]);
    expect((await campaign(ctx.ds, s.campaignId)).status).toBe('running');
  });

  test('when the report of an ended call never comes, then the campaign completes once the grace since the call ended has passed', async () => {
    const s = await seedLastCall();
    // The call ended (by the provider's clock) longer ago than the 120 s grace; its report was lost.
    await postVapi(s, ENDED, Date.now() - 121_000);
    expect(await completionCheck(s)).toBe(true);
    expect((await campaign(ctx.ds, s.campaignId)).status).toBe('completed');
  });
});
