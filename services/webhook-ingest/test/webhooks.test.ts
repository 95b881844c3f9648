import { randomUUID } from 'node:crypto';
import axios from 'axios';
import type { Queue } from 'bullmq';
import { loadConfig, secretsKey } from '@dialer/platform';
import { twilioSignature } from '@dialer/providers';
import { ConcurrencyLease, createQueue, leaseMember } from '@dialer/queue';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';
import { WebhookIngestConfig } from '../src/config';
import { startService } from '../src/service';
import { ACCOUNT_SID, AUTH_TOKEN, insertAttempt, seedDialingLead, type Seeded } from './fixtures';

const PUBLIC_URL = 'https://hooks.dialer.example';

let ctx: TestContext;
let svc: { port: number; stop(): Promise<void> };
let key: string;
let callFinished: Queue;
let lease: ConcurrencyLease;

beforeAll(async () => {
  ctx = await createTestContext('webhook');
  const cfg = loadConfig(WebhookIngestConfig, {
    ...ctx.env, WEBHOOK_INGEST_PORT: '0', WEBHOOK_PUBLIC_URL: PUBLIC_URL, WEBHOOK_SWEEP_MS: '200',
  });
  key = secretsKey(cfg);
  svc = await startService(cfg);
  callFinished = createQueue('callFinished', ctx.redis, ctx.queuePrefix);
  lease = new ConcurrencyLease(ctx.redis, ctx.queuePrefix);
});

afterAll(async () => {
  await svc?.stop();
  await callFinished?.close();
  await ctx?.close();
});

const seed = (opts: { maxAttempts?: number; withAttempt?: boolean } = {}): Promise<Seeded> =>
  seedDialingLead(ctx.ds, ctx.redis, ctx.queuePrefix, key, opts);

function callback(s: Seeded, status: string, seq: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: ACCOUNT_SID, CallSid: s.callSid, CallStatus: status, SequenceNumber: String(seq),
    To: '+12025550123', From: '+15005550006', ApiVersion: '2010-04-01', ...extra,
  };
}

async function post(connectionId: string, attemptId: string | null, params: Record<string, string>, signature?: string | null) {
  const path = `/v1/webhooks/twilio/${connectionId}${attemptId ? `?attemptId=${attemptId}` : ''}`;
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const sig = signature === undefined ? twilioSignature(AUTH_TOKEN, PUBLIC_URL + path, params) : signature;
  if (sig !== null) headers['X-Twilio-Signature'] = sig;
  return axios.post(`http://127.0.0.1:${svc.port}${path}`, new URLSearchParams(params).toString(), {
    headers, validateStatus: () => true, responseType: 'text',
  });
}

async function attempt(id: string) {
  const [row] = await ctx.ds.query(`SELECT * FROM call_attempts WHERE id = $1`, [id]);
  return row;
}
async function lead(id: string) {
  const [row] = await ctx.ds.query(`SELECT * FROM leads WHERE id = $1`, [id]);
  return row;
}
async function events(callSid: string): Promise<Array<{ event_key: string; applied_at: Date | null; apply_error: string | null; call_attempt_id: string | null }>> {
  return ctx.ds.query(`SELECT * FROM webhook_events WHERE provider_call_id = $1 ORDER BY id`, [callSid]);
}
/** webhook_events_applied_total{result} as the service reports it. */
async function appliedCount(result: string): Promise<number> {
  const text = (await axios.get(`http://127.0.0.1:${svc.port}/metrics`, { responseType: 'text' })).data as string;
  const m = new RegExp(`webhook_events_applied_total\\{result="${result}"[^}]*\\} (\\d+)`).exec(text);
  return m ? Number(m[1]) : 0;
}
async function leaseHeld(s: Seeded): Promise<boolean> {
  return (await lease.members(s.campaignId)).includes(leaseMember(s.leadId, 1));
}

describe('webhook-ingest: Twilio call-status callbacks', () => {
  test('when a call goes in-progress then completed, then the attempt completes answered, the lead is done, the slot is freed and a fold job is added', async () => {
    const s = await seed();
    const r1 = await post(s.connectionId, s.attemptId, callback(s, 'in-progress', 1));
    expect(r1.status).toBe(200);
    expect(r1.headers['content-type']).toMatch(/text\/xml/);
    expect(r1.data).toBe('<Response></Response>');
    await eventually(async () => (await attempt(s.attemptId)).status === 'in_progress', { what: 'in-progress applied' });
    expect(await leaseHeld(s)).toBe(true);

    const r2 = await post(s.connectionId, s.attemptId, callback(s, 'completed', 2, { CallDuration: '42' }));
    expect(r2.status).toBe(200);
    await eventually(async () => (await events(s.callSid)).every((e) => e.applied_at !== null) && !(await leaseHeld(s)), { what: 'completed applied' });
    const a = await attempt(s.attemptId);
    expect(a).toMatchObject({ status: 'completed', outcome: 'answered', raw_status: 'completed', duration_seconds: 42, lead_final: true });
    expect(a.answered_at).not.toBeNull();
    expect(a.ended_at).not.toBeNull();
    expect(await lead(s.leadId)).toMatchObject({ status: 'done', disposition: 'answered' });
    expect(await leaseHeld(s)).toBe(false);
    const job = await callFinished.getJob(s.attemptId);
    expect(job?.data).toEqual({ tenantId: s.tenantId, campaignId: s.campaignId, callAttemptId: s.attemptId });
    const stored = await events(s.callSid);
    expect(stored).toHaveLength(2);
    expect(stored.every((e) => e.applied_at !== null && e.call_attempt_id === s.attemptId)).toBe(true);
  });

  test('when the signature is wrong or missing, then it answers 401 and stores and changes nothing', async () => {
    const s = await seed();
    const params = callback(s, 'completed', 2, { CallDuration: '5' });
    const wrong = await post(s.connectionId, s.attemptId, params, twilioSignature('another-token', `${PUBLIC_URL}/v1/webhooks/twilio/${s.connectionId}?attemptId=${s.attemptId}`, params));
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.data).error.code).toBe('invalid_signature');
    const missing = await post(s.connectionId, s.attemptId, params, null);
    expect(missing.status).toBe(401);
    // Signed for another URL (the attempt id is part of what is signed).
    const otherUrl = await post(s.connectionId, s.attemptId, params, twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/v1/webhooks/twilio/${s.connectionId}`, params));
    expect(otherUrl.status).toBe(401);

    expect(await events(s.callSid)).toHaveLength(0);
    expect((await attempt(s.attemptId)).status).toBe('queued');
    expect((await lead(s.leadId)).status).toBe('dialing');
    expect(await leaseHeld(s)).toBe(true);
    expect(await callFinished.getJob(s.attemptId)).toBeUndefined();
    const metrics = await axios.get(`http://127.0.0.1:${svc.port}/metrics`, { responseType: 'text' });
    expect(metrics.data).toMatch(/webhook_rejected_total\{reason="signature",service="webhook-ingest"\} [1-9]/);
  });

  test('when the connection is unknown, then it answers 404 not_found', async () => {
    const s = await seed();
    const params = callback(s, 'completed', 2);
    const unknown = await post(randomUUID(), s.attemptId, params);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.data).error.code).toBe('not_found');
    const notUuid = await post('not-a-uuid', null, params);
    expect(notUuid.status).toBe(404);
    expect(JSON.parse(notUuid.data).error.code).toBe('not_found');
    const gone = await seed();
    await ctx.ds.query(`UPDATE provider_connections SET deleted_at = now() WHERE id = $1`, [gone.connectionId]);
    const deleted = await post(gone.connectionId, gone.attemptId, callback(gone, 'completed', 2));
    expect(deleted.status).toBe(404);
    expect(await events(s.callSid)).toHaveLength(0);
    expect(await events(gone.callSid)).toHaveLength(0);
  });

  test('when CallStatus is missing, then it answers 400 invalid_webhook and stores nothing', async () => {
    const s = await seed();
    const params = callback(s, 'completed', 2);
    delete params.CallStatus;
    const r = await post(s.connectionId, s.attemptId, params);
    expect(r.status).toBe(400);
    const body = JSON.parse(r.data);
    expect(body.error.code).toBe('invalid_webhook');
    expect(body.error.message).toMatch(/CallStatus/);
    expect(await events(s.callSid)).toHaveLength(0);
    expect((await attempt(s.attemptId)).status).toBe('queued');
  });

  test('when the same completed callback arrives twice, then the second is a 200 no-op with one stored event', async () => {
    const s = await seed();
    const params = callback(s, 'completed', 2, { CallDuration: '30' });
    expect((await post(s.connectionId, s.attemptId, params)).status).toBe(200);
    await eventually(async () => (await events(s.callSid))[0]?.applied_at != null, { what: 'first applied' });
    const leadAfterFirst = await lead(s.leadId);
    const attemptAfterFirst = await attempt(s.attemptId);
    const second = await post(s.connectionId, s.attemptId, params);
    expect(second.status).toBe(200);
    expect(second.data).toBe('<Response></Response>');
    expect(await events(s.callSid)).toHaveLength(1);
    expect(await lead(s.leadId)).toEqual(leadAfterFirst);
    expect(await attempt(s.attemptId)).toEqual(attemptAfterFirst);
    const metrics = await axios.get(`http://127.0.0.1:${svc.port}/metrics`, { responseType: 'text' });
    expect(metrics.data).toMatch(/webhook_received_total\{provider="twilio",result="duplicate",service="webhook-ingest"\} [1-9]/);
  });

  test('when completed arrives before a late ringing, then the attempt stays completed', async () => {
    const s = await seed();
    expect((await post(s.connectionId, s.attemptId, callback(s, 'completed', 3, { CallDuration: '12' }))).status).toBe(200);
    await eventually(async () => (await attempt(s.attemptId)).status === 'completed', { what: 'completed applied' });
    expect((await post(s.connectionId, s.attemptId, callback(s, 'ringing', 1))).status).toBe(200);
    await eventually(async () => (await events(s.callSid)).every((e) => e.applied_at !== null), { what: 'both applied' });
    const a = await attempt(s.attemptId);
    expect(a).toMatchObject({ status: 'completed', raw_status: 'completed', outcome: 'answered' });
    expect(await lead(s.leadId)).toMatchObject({ status: 'done', disposition: 'answered' });
    const stored = await events(s.callSid);
    expect(stored).toHaveLength(2);
    expect(stored.every((e) => e.applied_at !== null)).toBe(true);
  });

  test('when a call is busy with attempts left, then the lead goes back to pending for a later retry and the slot is freed', async () => {
    const s = await seed({ maxAttempts: 3 });
    const before = Date.now();
    expect((await post(s.connectionId, s.attemptId, callback(s, 'busy', 2))).status).toBe(200);
    await eventually(async () => !(await leaseHeld(s)), { what: 'busy applied' });
    expect(await attempt(s.attemptId)).toMatchObject({ status: 'busy', outcome: 'busy', lead_final: false });
    const l = await lead(s.leadId);
    expect(l).toMatchObject({ status: 'pending', disposition: 'busy', attempts: 1 });
    // Default policy: busy retries after 15 minutes (or later, at the next window opening).
    expect(new Date(l.next_attempt_at).getTime()).toBeGreaterThanOrEqual(before + 15 * 60_000 - 1000);
    expect(await leaseHeld(s)).toBe(false);
    expect(await callFinished.getJob(s.attemptId)).toBeDefined();
  });

  test('when a callback arrives before its attempt exists, then it is stored unapplied and the sweeper applies it once the attempt appears', async () => {
    const s = await seed({ withAttempt: false });
    const pendingBefore = await appliedCount('pending');
    expect((await post(s.connectionId, s.attemptId, callback(s, 'ringing', 1))).status).toBe(200);
    expect((await post(s.connectionId, s.attemptId, callback(s, 'completed', 2, { CallDuration: '9' }))).status).toBe(200);
    let stored = await events(s.callSid);
    expect(stored).toHaveLength(2);
    // The background apply ran and found no attempt: nothing changed.
    await eventually(async () => (await appliedCount('pending')) >= pendingBefore + 2, { what: 'both tried in the background' });
    stored = await events(s.callSid);
    expect(stored.every((e) => e.applied_at === null && e.apply_error === null)).toBe(true);
    expect(await leaseHeld(s)).toBe(true);

    await insertAttempt(ctx.ds, { ...s, callSid: s.callSid });
    await eventually(async () => (await attempt(s.attemptId)).status === 'completed', { what: 'the sweeper to apply the events' });
    await eventually(async () => (await events(s.callSid)).every((e) => e.applied_at !== null), { what: 'events marked applied' });
    expect(await attempt(s.attemptId)).toMatchObject({ outcome: 'answered', duration_seconds: 9 });
    expect(await lead(s.leadId)).toMatchObject({ status: 'done', disposition: 'answered' });
    expect(await leaseHeld(s)).toBe(false);
    expect(await callFinished.getJob(s.attemptId)).toBeDefined();
    stored = await events(s.callSid);
    expect(stored.every((e) => e.apply_error === null)).toBe(true);
  });

  test('when an attempt ended but its slot and fold job were lost in a crash, then the sweeper repairs both', async () => {
    const s = await seed();
    await ctx.ds.query(
      `UPDATE call_attempts SET status = 'completed', outcome = 'answered', ended_at = now() - interval '10 seconds', lead_final = true WHERE id = $1`,
      [s.attemptId]);
    await ctx.ds.query(`UPDATE leads SET status = 'done', disposition = 'answered' WHERE id = $1`, [s.leadId]);
    expect(await leaseHeld(s)).toBe(true);
    await eventually(async () => !(await leaseHeld(s)) && (await callFinished.getJob(s.attemptId)) !== undefined,
      { what: 'the lease released and the fold job added' });
  });

  test('when /healthz and /metrics are read, then they answer with status and the webhook series', async () => {
    const health = await axios.get(`http://127.0.0.1:${svc.port}/healthz`);
    expect(health.data).toEqual({ status: 'ok' });
    const metrics = await axios.get(`http://127.0.0.1:${svc.port}/metrics`, { responseType: 'text' });
    expect(metrics.data).toContain('webhook_received_total{provider="twilio",result="stored"');
    expect(metrics.data).toContain('webhook_events_applied_total{result="applied"');
    expect(metrics.data).toContain('webhook_handle_seconds_bucket');
  });

  test('when a body nests 3,000 levels deep or holds a NUL, then 400 invalid_webhook naming where, before any signature check, and nothing is stored', async () => {
    const s = await seed();
    let deep: unknown = 1;
    for (let i = 0; i < 3000; i++) deep = { a: deep };
    const path = `/v1/webhooks/twilio/${s.connectionId}?attemptId=${s.attemptId}`;
    const json = await axios.post(`http://127.0.0.1:${svc.port}${path}`, JSON.stringify({ CallSid: s.callSid, deep }), {
      headers: { 'Content-Type': 'application/json' }, validateStatus: () => true, responseType: 'text',
    });
    expect(json.status).toBe(400);
    expect(JSON.parse(json.data).error).toMatchObject({ code: 'invalid_webhook', message: expect.stringMatching(/deep(\.a)+ is nested deeper/) });
    const nul = await post(s.connectionId, s.attemptId, callback(s, 'busy', 1, { CallerName: 'a\u0000b' }));
    expect(nul.status).toBe(400);
    expect(JSON.parse(nul.data).error.message).toMatch(/CallerName contains a NUL/);
    expect(await events(s.callSid)).toHaveLength(0);
    expect((await attempt(s.attemptId)).status).toBe('queued');
  });
});
