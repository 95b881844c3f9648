/**
 * One campaign end to end against provider-sim speaking a given provider's wire format, every
 * service as its own process. Used by the per-provider e2e tests (vapi-campaign, exotel-campaign).
 */
import axios, { type AxiosInstance } from 'axios';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  createTestContext, eventually, REPO_ROOT, startStack, testPhones, zoneWhereLocalHourIs, type Stack, type TestContext, maxLiveCalls } from '@dialer/testing';

export type E2eProvider = 'twilio' | 'vapi' | 'exotel';

interface SimCall {
  sid: string;
  flavor: string;
  to: string;
  statusCallback: string | null;
  createdAt: string;
  endedAt: string | null;
}

export interface ProviderCampaignRun {
  ctx: TestContext;
  stack: Stack;
  api: AxiosInstance;
}

/** Starts a fresh schema, the whole stack and a tenant; `stop()` tears everything down. */
export async function startProviderStack(label: string): Promise<ProviderCampaignRun & { stop(): Promise<void> }> {
  const ctx = await createTestContext(label);
  let stack: Stack | undefined;
  try {
    stack = await startStack({
      env: { ...ctx.env, FEEDER_INTERVAL_MS: '200' },
      serviceEnv: {
        'provider-sim': {
          SIM_TIME_SCALE: '0.02',
          SIM_OUTCOMES: 'completed:0.5,busy:0.2,no-answer:0.2,failed:0.1',
          SIM_SEED: '11',
        },
      },
      workers: 2,
    });
    const created = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'services/campaign-api/src/cli/create-tenant.ts'), `${label} tenant`], {
      env: { ...process.env, ...ctx.env }, encoding: 'utf8',
    });
    if (created.status !== 0) throw new Error(`create-tenant failed: ${created.stderr}`);
    const { apiKey } = JSON.parse(created.stdout.trim().split('\n').pop() ?? '{}') as { apiKey: string };
    const api = axios.create({ baseURL: `${stack.urls['campaign-api']}/v1`, headers: { Authorization: `Bearer ${apiKey}` }, validateStatus: () => true });
    const running = stack;
    return {
      ctx, stack: running, api,
      stop: async () => {
        await running.stop();
        await ctx.close();
      },
    };
  } catch (err) {
    await stack?.stop();
    await ctx.close();
    throw err;
  }
}

/** The connection body for each provider, pointed at provider-sim. */
function connectionBody(provider: E2eProvider, simUrl: string): Record<string, unknown> {
  const token = () => randomBytes(16).toString('hex');
  switch (provider) {
    case 'twilio':
      return { name: 'sim twilio', type: 'twilio', baseUrl: simUrl, accountSid: `AC${token()}`, authToken: token(), fromNumber: '+14155550100' };
    case 'vapi':
      return { name: 'sim vapi', type: 'vapi', baseUrl: simUrl, apiKey: token(), assistantId: `asst-${token()}`, phoneNumberId: `pn-${token()}` };
    case 'exotel':
      return {
        name: 'sim exotel', type: 'exotel', baseUrl: simUrl, accountSid: `exo${token()}`, apiKey: token(), apiToken: token(),
        callerId: '08030752400', flowUrl: 'http://my.exotel.com/exoml/start_voice/12345',
      };
  }
}

/**
 * Runs a campaign of `leads` leads on `provider` to completion and checks: every lead final, the
 * stats adding up to the leads and the attempts, provider-sim saw each (lead, attempt) exactly once
 * in that provider's format, and never more than `limit` live calls.
 */
export async function runProviderCampaign(run: ProviderCampaignRun, provider: E2eProvider, leads: number, limit: number): Promise<void> {
  const { ctx, stack, api } = run;
  const simUrl = stack.urls['provider-sim'];
  const conn = await api.post('/provider-connections', connectionBody(provider, simUrl));
  expect(conn.status).toBe(201);
  // Callees in a zone where it is about noon now, so the campaign's window is open whatever the hour.
  const zone = zoneWhereLocalHourIs(12);
  const camp = await api.post('/campaigns', {
    name: `e2e ${provider}`, providerConnectionId: conn.data.id, maxConcurrentCalls: limit, maxAttempts: 3,
    defaultTimezone: zone, callingWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6, 7] },
    retryPolicy: {
      busy: { enabled: true, delaySeconds: 1 }, no_answer: { enabled: true, delaySeconds: 1 }, failed: { enabled: true, delaySeconds: 1 },
    },
    settings: { firstMessageTemplate: 'Hello {{firstName}}', scriptTemplate: 'Hello {{firstName}}' },
  });
  expect(camp.status).toBe(201);
  const id = camp.data.id as string;
  const phones = testPhones(leads);
  expect(phones).toHaveLength(leads);
  const added = await api.post(`/campaigns/${id}/leads`, { leads: phones.map((phone, i) => ({ phone, firstName: `Lead${i}`, timezone: zone })) });
  expect(added.status).toBe(201);
  expect(added.data.accepted).toBe(leads);
  expect((await api.post(`/campaigns/${id}/start`)).status).toBe(200);

  const stats = await eventually(async () => {
    const s = await api.get(`/campaigns/${id}/stats`);
    return s.data.status === 'completed' ? s.data : undefined;
  }, { timeoutMs: 180_000, intervalMs: 500, what: `${provider} campaign completion` });

  // Every lead reached a final state.
  const [open] = await ctx.ds.query(`SELECT count(*)::int AS n FROM leads WHERE campaign_id = $1 AND status <> 'done'`, [id]);
  expect(open.n).toBe(0);

  // The stats add up to the leads and to the attempts.
  expect(stats.totalLeads).toBe(leads);
  expect(stats.leads.done).toBe(leads);
  const dispositionSum = Object.values(stats.dispositions as Record<string, number>).reduce((a, b) => a + b, 0);
  expect(dispositionSum).toBe(leads);
  const [attempts] = await ctx.ds.query(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE ended_at IS NOT NULL)::int AS ended,
            count(*) FILTER (WHERE provider = $2)::int AS on_provider
       FROM call_attempts WHERE campaign_id = $1`, [id, provider]);
  expect(attempts.on_provider).toBe(attempts.n);
  expect(stats.attempts).toBe(attempts.n);
  expect(stats.callsEnded).toBe(attempts.ended);
  expect(stats.callsEnded).toBe(attempts.n);
  expect(stats.connected + stats.voicemail + stats.busy + stats.noAnswer + stats.failed + stats.canceled).toBe(stats.callsEnded);

  // The provider's webhooks were what ended the calls: each attempt has an applied event from it.
  const [hooks] = await ctx.ds.query(
    `SELECT count(DISTINCT call_attempt_id)::int AS attempts, count(*) FILTER (WHERE applied_at IS NULL)::int AS unapplied
       FROM webhook_events WHERE provider = $1 AND call_attempt_id IN (SELECT id FROM call_attempts WHERE campaign_id = $2)`, [provider, id]);
  expect(hooks.attempts).toBe(attempts.n);
  expect(hooks.unapplied).toBe(0);

  // provider-sim saw each (lead, attempt) exactly once, in this provider's format, never over the limit.
  const sim = await axios.get<SimCall[]>(`${simUrl}/sim/calls`);
  const calls = sim.data;
  expect(calls.length).toBe(attempts.n);
  const dbAttempts: Array<{ id: string; lead_id: string; attempt_no: number; phone: string; provider_call_id: string | null }> = await ctx.ds.query(
    `SELECT a.id, a.lead_id, a.attempt_no, a.provider_call_id, l.phone_e164 AS phone FROM call_attempts a JOIN leads l ON l.id = a.lead_id WHERE a.campaign_id = $1`, [id]);
  const byId = new Map(dbAttempts.map((a) => [a.id, a]));
  const seen = new Set<string>();
  for (const c of calls) {
    expect(c.flavor).toBe(provider);
    expect(c.statusCallback).toContain(`/v1/webhooks/${provider}/${conn.data.id as string}`);
    const a = byId.get(new URL(c.statusCallback as string).searchParams.get('attemptId') ?? '');
    expect(a).toBeDefined();
    expect(c.to).toBe(a!.phone);
    expect(a!.provider_call_id).toBe(c.sid);
    const key = `${a!.lead_id}#${a!.attempt_no}`;
    expect(seen.has(key)).toBe(false);
    seen.add(key);
  }
  const maxLive = maxLiveCalls(calls);
  expect(maxLive).toBeLessThanOrEqual(limit);
}
