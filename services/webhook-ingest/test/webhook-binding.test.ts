import { randomUUID } from 'node:crypto';
import axios from 'axios';
import { encryptSecret, loadConfig, secretsKey } from '@dialer/platform';
import { twilioSignature } from '@dialer/providers';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';
import { WebhookIngestConfig } from '../src/config';
import { startService } from '../src/service';

/**
 * A provider credential touches only its own calls: a correctly signed event of connection A never
 * changes an attempt of connection B (same tenant), nor one of A's attempts whose provider call id
 * differs from the event's — whatever `attemptId` the URL names.
 */

const PUBLIC_URL = 'https://hooks.dialer.example';
type Provider = 'twilio' | 'vapi' | 'exotel';

let ctx: TestContext;
let svc: { port: number; stop(): Promise<void> };
let key: string;

beforeAll(async () => {
  ctx = await createTestContext('webhook-binding');
  const cfg = loadConfig(WebhookIngestConfig, {
    ...ctx.env, WEBHOOK_INGEST_PORT: '0', WEBHOOK_PUBLIC_URL: PUBLIC_URL, WEBHOOK_SWEEP_MS: '100',
    // Events that match nothing are given up quickly, so a test can wait for each event to be settled.
    WEBHOOK_UNMATCHED_GIVE_UP_MS: '1000',
  });
  key = secretsKey(cfg);
  svc = await startService(cfg);
});

afterAll(async () => {
  await svc?.stop();
  await ctx?.close();
});

interface Conn {
  id: string;
  type: Provider;
  /** Twilio auth token, Vapi secret or Exotel token. */
  secret: string;
}

interface Call {
  conn: Conn;
  attemptId: string;
  leadId: string;
  callSid: string;
}

let phoneSeq = 0;

async function connection(tenantId: string, type: Provider): Promise<Conn> {
  const secret = `${type}-secret-${randomUUID()}`;
  const secrets = type === 'twilio' ? { authToken: secret }
    : type === 'vapi' ? { apiKey: 'k', webhookSecret: secret }
      : { apiKey: 'k', apiToken: 't', webhookToken: secret };
  const config = type === 'twilio' ? { accountSid: 'AC00000000000000000000000000000001', fromNumber: '+15005550006' }
    : type === 'vapi' ? { assistantId: 'a', phoneNumberId: 'p' }
      : { accountSid: 'acme', callerId: '0801', agentNumber: '+919900000001' };
  const [row] = await ctx.ds.query(
    `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed)
     VALUES ($1, $2, $3, 'http://127.0.0.1:1', $4::jsonb, $5) RETURNING id`,
    [tenantId, `${type}-${randomUUID()}`, type, JSON.stringify(config), encryptSecret(JSON.stringify(secrets), key)]);
  return { id: row.id, type, secret };
}

/** A running campaign on `conn` with one lead being dialled and its queued call attempt (with a provider call id). */
async function call(tenantId: string, conn: Conn): Promise<Call> {
  const [campaign] = await ctx.ds.query(
    `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, max_attempts, started_at)
     VALUES ($1, 'spring', 'running', $2, 3, now()) RETURNING id`, [tenantId, conn.id]);
  phoneSeq += 1;
  const [lead] = await ctx.ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, timezones, status, attempts, last_attempt_at)
     VALUES ($1, $2, $3, '{America/New_York}', 'dialing', 1, now()) RETURNING id`,
    [tenantId, campaign.id, `+1202556${String(1000 + phoneSeq).slice(-4)}`]);
  const attemptId = randomUUID();
  const callSid = `CA${randomUUID().replace(/-/g, '')}`;
  await ctx.ds.query(
    `INSERT INTO call_attempts (id, tenant_id, campaign_id, lead_id, attempt_no, provider, provider_connection_id, provider_call_id, status, dialed_at)
     VALUES ($1, $2, $3, $4, 1, $5, $6, $7, 'queued', now())`,
    [attemptId, tenantId, campaign.id, lead.id, conn.type, conn.id, callSid]);
  return { conn, attemptId, leadId: lead.id, callSid };
}

/** A correctly signed "busy" event of `conn` for provider call `callSid`, naming `attemptId` in the URL. */
async function postBusy(conn: Conn, attemptId: string, callSid: string): Promise<number> {
  const base = `http://127.0.0.1:${svc.port}`;
  if (conn.type === 'twilio') {
    const path = `/v1/webhooks/twilio/${conn.id}?attemptId=${attemptId}`;
    const params = { AccountSid: 'AC00000000000000000000000000000001', CallSid: callSid, CallStatus: 'busy', SequenceNumber: '3', ApiVersion: '2010-04-01' };
    const r = await axios.post(base + path, new URLSearchParams(params).toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(conn.secret, PUBLIC_URL + path, params) },
      validateStatus: () => true,
    });
    return r.status;
  }
  if (conn.type === 'vapi') {
    const body = { message: { type: 'end-of-call-report', endedReason: 'customer-busy', call: { id: callSid }, timestamp: Date.now() } };
    const r = await axios.post(`${base}/v1/webhooks/vapi/${conn.id}?attemptId=${attemptId}`, JSON.stringify(body), {
      headers: { 'Content-Type': 'application/json', 'x-vapi-secret': conn.secret }, validateStatus: () => true,
    });
    return r.status;
  }
  const r = await axios.post(`${base}/v1/webhooks/exotel/${conn.id}/${conn.secret}?attemptId=${attemptId}`,
    JSON.stringify({ CallSid: callSid, Status: 'busy', EventType: 'terminal' }), {
      headers: { 'Content-Type': 'application/json' }, validateStatus: () => true,
    });
  return r.status;
}

/** Waits until the stored event is settled either way: applied to some attempt, or given up. */
async function settled(conn: Conn, callSid: string): Promise<{ applied_at: Date | null; apply_error: string | null; call_attempt_id: string | null }> {
  return eventually(async () => {
    const [row] = await ctx.ds.query(
      `SELECT applied_at, apply_error, call_attempt_id FROM webhook_events WHERE provider_connection_id = $1 AND provider_call_id = $2`,
      [conn.id, callSid]);
    return row && (row.applied_at !== null || row.apply_error !== null) ? row : null;
  }, { what: 'the event applied or given up' });
}

/** The call's attempt and lead rows as they are now. */
async function snapshot(c: Call): Promise<unknown> {
  const [a] = await ctx.ds.query(`SELECT * FROM call_attempts WHERE id = $1`, [c.attemptId]);
  const [l] = await ctx.ds.query(`SELECT * FROM leads WHERE id = $1`, [c.leadId]);
  return { a, l };
}

async function untouched(c: Call, before: unknown): Promise<void> {
  const now = await snapshot(c);
  expect(now).toEqual(before);
  expect(now).toMatchObject({ a: { status: 'queued', outcome: null, provider_call_id: c.callSid }, l: { status: 'dialing', disposition: null } });
}

const OTHER_TYPE: Record<Provider, Provider> = { twilio: 'exotel', vapi: 'twilio', exotel: 'vapi' };

describe.each<Provider>(['twilio', 'vapi', 'exotel'])('webhook binding: %s', (type) => {
  test('when a correctly signed event of connection A names an attempt of connection B (same or another provider), then B\'s attempt and lead do not change', async () => {
    const [tenant] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('acme') RETURNING id`);
    const a = await connection(tenant.id, type);
    const sameType = await call(tenant.id, await connection(tenant.id, type));
    const otherType = await call(tenant.id, await connection(tenant.id, OTHER_TYPE[type]));

    for (const victim of [sameType, otherType]) {
      const before = await snapshot(victim);
      // With B's own provider call id, and with a call id nobody knows.
      const ownSid = victim.callSid;
      expect(await postBusy(a, victim.attemptId, ownSid)).toBe(200);
      const foreign = `CA${randomUUID().replace(/-/g, '')}`;
      expect(await postBusy(a, victim.attemptId, foreign)).toBe(200);
      for (const sid of [ownSid, foreign]) {
        const e = await settled(a, sid);
        expect(e.applied_at).toBeNull();
      }
      await untouched(victim, before);
    }
  });

  test('when a correctly signed event names the connection\'s own attempt but another provider call id, then that attempt does not change; its own call id still applies', async () => {
    const [tenant] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('acme') RETURNING id`);
    const a = await connection(tenant.id, type);
    const mine = await call(tenant.id, a);
    const before = await snapshot(mine);
    const foreign = `CA${randomUUID().replace(/-/g, '')}`;
    expect(await postBusy(a, mine.attemptId, foreign)).toBe(200);
    expect((await settled(a, foreign)).applied_at).toBeNull();
    await untouched(mine, before);

    // The control: the same event with the attempt's own call id is applied to it.
    expect(await postBusy(a, mine.attemptId, mine.callSid)).toBe(200);
    expect(await settled(a, mine.callSid)).toMatchObject({ call_attempt_id: mine.attemptId, apply_error: null });
    const [row] = await ctx.ds.query(`SELECT status, outcome FROM call_attempts WHERE id = $1`, [mine.attemptId]);
    expect(row).toEqual({ status: 'busy', outcome: 'busy' });
  });
});
