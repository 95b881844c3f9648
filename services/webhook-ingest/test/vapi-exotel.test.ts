import axios from 'axios';
import type { Queue } from 'bullmq';
import { createLogger, encryptSecret, loadConfig, secretsKey } from '@dialer/platform';
import { createQueue } from '@dialer/queue';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';
import { WebhookIngestConfig } from '../src/config';
import { startService } from '../src/service';
import { seedDialingLead, type Seeded } from './fixtures';

const PUBLIC_URL = 'https://hooks.dialer.example';
const VAPI_SECRET = 'vapi-secret-0123456789abcdef';
const EXOTEL_TOKEN = 'exotel-token-0123456789';

let ctx: TestContext;
let svc: { port: number; stop(): Promise<void> };
const logged: Array<Record<string, unknown>> = [];
let key: string;
let callFinished: Queue;

beforeAll(async () => {
  ctx = await createTestContext('webhook-providers');
  const cfg = loadConfig(WebhookIngestConfig, { ...ctx.env, WEBHOOK_INGEST_PORT: '0', WEBHOOK_PUBLIC_URL: PUBLIC_URL, WEBHOOK_SWEEP_MS: '200' });
  key = secretsKey(cfg);
  // Its log is read by the tests (expected warnings are asserted, not printed).
  svc = await startService(cfg, createLogger({ service: 'webhook-ingest', level: 'warn', destination: { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) } }));
  callFinished = createQueue('callFinished', ctx.redis, ctx.queuePrefix);
});

afterAll(async () => {
  await svc?.stop();
  await callFinished?.close();
  await ctx?.close();
});

interface ProviderSeed extends Seeded {
  conn: string;
}

/** A dialing lead whose attempt belongs to a Vapi or Exotel connection of the same tenant. */
async function seed(type: 'vapi' | 'exotel', settings: Record<string, unknown> = {}): Promise<ProviderSeed> {
  const s = await seedDialingLead(ctx.ds, ctx.redis, ctx.queuePrefix, key);
  const secrets = type === 'vapi'
    ? { apiKey: 'k', webhookSecret: VAPI_SECRET }
    : { apiKey: 'k', apiToken: 't', webhookToken: EXOTEL_TOKEN };
  const config = type === 'vapi' ? { assistantId: 'a', phoneNumberId: 'p' } : { accountSid: 'acme', callerId: '0801', agentNumber: '+919900000001' };
  const [conn] = await ctx.ds.query(
    `INSERT INTO provider_connections (tenant_id, name, type, config, secrets_sealed) VALUES ($1, $2, $2, $3::jsonb, $4) RETURNING id`,
    [s.tenantId, type, JSON.stringify(config), encryptSecret(JSON.stringify(secrets), key)]);
  await ctx.ds.query(`UPDATE campaigns SET provider_connection_id = $2, settings = $3::jsonb WHERE id = $1`, [s.campaignId, conn.id, JSON.stringify(settings)]);
  await ctx.ds.query(`UPDATE call_attempts SET provider = $2, provider_connection_id = $3 WHERE id = $1`, [s.attemptId, type, conn.id]);
  return { ...s, conn: conn.id };
}

const http = (path: string, body: string, headers: Record<string, string>) =>
  axios.post(`http://127.0.0.1:${svc.port}${path}`, body, { headers, validateStatus: () => true });

function postVapi(s: ProviderSeed, message: Record<string, unknown>, secret: string | null = VAPI_SECRET) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (secret !== null) headers['x-vapi-secret'] = secret;
  return http(`/v1/webhooks/vapi/${s.conn}?attemptId=${s.attemptId}`, JSON.stringify({ message: { call: { id: s.callSid }, timestamp: Date.now(), ...message } }), headers);
}

function postExotel(s: ProviderSeed, fields: Record<string, unknown>, token = EXOTEL_TOKEN) {
  return http(`/v1/webhooks/exotel/${s.conn}/${token}?attemptId=${s.attemptId}`, JSON.stringify({ CallSid: s.callSid, ...fields }), { 'Content-Type': 'application/json' });
}

const attempt = async (id: string) => (await ctx.ds.query(`SELECT * FROM call_attempts WHERE id = $1`, [id]))[0];
const lead = async (id: string) => (await ctx.ds.query(`SELECT * FROM leads WHERE id = $1`, [id]))[0];
const events = async (callSid: string): Promise<Array<{ event_key: string; applied_at: Date | null; apply_error: string | null }>> =>
  ctx.ds.query(`SELECT event_key, applied_at, apply_error FROM webhook_events WHERE provider_call_id = $1 ORDER BY id`, [callSid]);

const REPORT = {
  type: 'end-of-call-report', endedReason: 'customer-ended-call', durationSeconds: 42,
  analysis: { summary: 'wants a visit', structuredData: { interested: true }, successEvaluation: 'true' },
  artifact: { recordingUrl: 'https://rec.example/1.wav', transcript: 'AI: Hello' },
};

describe('webhook-ingest: Vapi server messages', () => {
  test('when status updates and the end-of-call report arrive, then the call completes answered with its analysis, recording and transcript, and the qualification rule qualifies the lead', async () => {
    const s = await seed('vapi', { qualification: { source: 'successEvaluation' } });
    expect((await postVapi(s, { type: 'status-update', status: 'in-progress' })).status).toBe(200);
    expect((await postVapi(s, { type: 'status-update', status: 'ended', endedReason: 'customer-ended-call' })).status).toBe(200);
    const r = await postVapi(s, REPORT);
    expect(r.status).toBe(200);
    expect(r.data).toEqual({});
    await eventually(async () => (await lead(s.leadId)).qualified === true, { what: 'lead qualified' });
    expect(await attempt(s.attemptId)).toMatchObject({
      status: 'completed', outcome: 'answered', raw_status: 'customer-ended-call', recording_url: 'https://rec.example/1.wav', transcript: 'AI: Hello',
      analysis: { summary: 'wants a visit', structuredData: { interested: true }, successEvaluation: 'true' },
    });
    expect((await lead(s.leadId)).disposition).toBe('answered');
    expect((await events(s.callSid)).map((e) => e.event_key)).toEqual([
      `${s.callSid}:status-update:in-progress`, `${s.callSid}:status-update:ended`, `${s.callSid}:end-of-call-report`,
    ]);
    expect(await callFinished.getJob(s.attemptId)).toBeDefined();
  });

  test('when a structuredData rule says no, then the lead is not qualified', async () => {
    const s = await seed('vapi', { qualification: { source: 'structuredData', field: 'interested', equals: true } });
    await postVapi(s, { ...REPORT, analysis: { structuredData: { interested: false } } });
    await eventually(async () => (await lead(s.leadId)).qualified === false, { what: 'lead not qualified' });
  });

  const callbackOf = async (leadId: string): Promise<Array<{ source: string; call_attempt_id: string; requested_at: Date; due_at: Date; status: string }>> =>
    ctx.ds.query(`SELECT source, call_attempt_id, requested_at, due_at, status FROM callbacks WHERE lead_id = $1`, [leadId]);

  test('when the analysis of a call that already ended asks for a callback, then the done lead is pending at that time', async () => {
    const s = await seed('vapi');
    const callbackAt = new Date(Date.now() + 3 * 86_400_000);
    expect((await postVapi(s, { type: 'status-update', status: 'ended', endedReason: 'customer-ended-call' })).status).toBe(200);
    await eventually(async () => (await lead(s.leadId)).status === 'done', { what: 'lead settled by the status update' });
    const report = { ...REPORT, analysis: { structuredData: { interested: true, callbackAt: callbackAt.toISOString() } } };
    expect((await postVapi(s, report)).status).toBe(200);
    await eventually(async () => (await lead(s.leadId)).status === 'pending', { what: 'lead reopened by the callback' });
    const [cb, ...more] = await callbackOf(s.leadId);
    expect(more).toEqual([]);
    expect(cb).toMatchObject({ source: 'analysis', call_attempt_id: s.attemptId, requested_at: callbackAt, status: 'pending' });
    expect((await lead(s.leadId)).next_attempt_at.getTime()).toBe(cb!.due_at.getTime());
    expect(cb!.due_at.getTime()).toBeGreaterThanOrEqual(callbackAt.getTime());
  });

  test('when the report that ends the call asks for a callback, then it replaces the final answered disposition; a local time without offset asks for none', async () => {
    const s = await seed('vapi');
    const callbackAt = new Date(Date.now() + 2 * 86_400_000);
    expect((await postVapi(s, { ...REPORT, analysis: { structuredData: { callbackAt: callbackAt.toISOString() } } })).status).toBe(200);
    await eventually(async () => (await callbackOf(s.leadId)).length === 1, { what: 'callback written at settlement' });
    expect(await lead(s.leadId)).toMatchObject({ status: 'pending', disposition: 'answered' });
    expect((await callbackOf(s.leadId))[0]).toMatchObject({ source: 'analysis', requested_at: callbackAt });

    const t = await seed('vapi');
    expect((await postVapi(t, { ...REPORT, analysis: { structuredData: { callbackAt: '2030-03-03T17:30:00' } } })).status).toBe(200);
    await eventually(async () => (await lead(t.leadId)).status === 'done', { what: 'lead settled' });
    expect(await callbackOf(t.leadId)).toEqual([]);
  });

  test('when the secret is wrong or missing, then 401 and nothing stored — even for a malformed body (verify first)', async () => {
    const s = await seed('vapi');
    expect((await postVapi(s, REPORT, 'wrong')).status).toBe(401);
    expect((await postVapi(s, REPORT, null)).status).toBe(401);
    const malformed = await http(`/v1/webhooks/vapi/${s.conn}`, '{not json', { 'Content-Type': 'application/json', 'x-vapi-secret': 'wrong' });
    expect(malformed.status).toBe(401);
    expect(await events(s.callSid)).toHaveLength(0);
  });

  test('when the body is malformed JSON or lacks the call id, then 400 with the reason', async () => {
    const s = await seed('vapi');
    const bad = await http(`/v1/webhooks/vapi/${s.conn}`, '{not json', { 'Content-Type': 'application/json', 'x-vapi-secret': VAPI_SECRET });
    expect(bad.status).toBe(400);
    expect(bad.data.error.code).toBe('invalid_webhook');
    expect(bad.data.error.message).toMatch(/JSON/);
    const noCall = await http(`/v1/webhooks/vapi/${s.conn}`, JSON.stringify({ message: { type: 'status-update', status: 'ringing' } }), { 'Content-Type': 'application/json', 'x-vapi-secret': VAPI_SECRET });
    expect(noCall.status).toBe(400);
    expect(noCall.data.error.message).toMatch(/call\.id/);
  });

  test('when a transcript message arrives, then it is answered 200 and not stored', async () => {
    const s = await seed('vapi');
    expect((await postVapi(s, { type: 'transcript', transcript: 'hi' })).status).toBe(200);
    expect(await events(s.callSid)).toHaveLength(0);
  });

  test('when the end-of-call report arrives twice and before the status updates, then it applies once and later updates change nothing', async () => {
    const s = await seed('vapi');
    await postVapi(s, { ...REPORT, endedReason: 'customer-busy', analysis: {} });
    await postVapi(s, { ...REPORT, endedReason: 'customer-busy', analysis: {} });
    await postVapi(s, { type: 'status-update', status: 'ringing' });
    await eventually(async () => (await events(s.callSid)).every((e) => e.applied_at !== null) && (await events(s.callSid)).length === 2, { what: 'applied' });
    expect(await attempt(s.attemptId)).toMatchObject({ status: 'busy', outcome: 'busy' });
  });
});

describe('webhook-ingest: Exotel StatusCallback', () => {
  test('when answered then terminal arrive with the right token, then the call completes (voicemail when a machine answered)', async () => {
    const s = await seed('exotel');
    expect((await postExotel(s, { Status: 'in-progress', EventType: 'answered' })).status).toBe(200);
    expect((await postExotel(s, {
      Status: 'completed', EventType: 'terminal', ConversationDuration: 17, RecordingUrl: 'https://rec.example/x.mp3',
      Legs: [{ OnCallDuration: 17, Status: 'completed', AnsweredBy: 'Machine' }],
    })).status).toBe(200);
    await eventually(async () => (await attempt(s.attemptId)).status === 'completed', { what: 'terminal applied' });
    expect(await attempt(s.attemptId)).toMatchObject({ outcome: 'voicemail', duration_seconds: 17, recording_url: 'https://rec.example/x.mp3' });
  });

  test('when the token is wrong, then 401 and nothing stored; a form body works as well as JSON', async () => {
    const s = await seed('exotel');
    expect((await postExotel(s, { Status: 'busy' }, 'wrong-token')).status).toBe(401);
    expect(await events(s.callSid)).toHaveLength(0);
    const form = new URLSearchParams({ CallSid: s.callSid, Status: 'busy', EventType: 'terminal' }).toString();
    const r = await http(`/v1/webhooks/exotel/${s.conn}/${EXOTEL_TOKEN}?attemptId=${s.attemptId}`, form, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(200);
    await eventually(async () => (await attempt(s.attemptId)).status === 'busy', { what: 'busy applied' });
  });

  test('when a Status outside the mapping table arrives, then it is stored raw, marked unmapped and applies nothing', async () => {
    const s = await seed('exotel');
    expect((await postExotel(s, { Status: 'teleported' })).status).toBe(200);
    await eventually(async () => (await events(s.callSid))[0]?.apply_error?.includes('Status=teleported') === true, { what: 'unmapped recorded' });
    expect((await attempt(s.attemptId)).status).toBe('queued');
    expect(logged.filter((l) => l.unmapped === 'Status=teleported').map((l) => l.msg)).toContain('provider value outside the mapping tables');
  });
});
