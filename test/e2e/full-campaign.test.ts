/**
 * End to end: every service as its own process, provider-sim as the telephony provider. A 50-lead
 * campaign runs to completion; every lead ends final, the stats add up, no (lead, attempt) is called
 * twice, and the live calls never exceed the campaign's limit.
 */
import axios, { type AxiosInstance } from 'axios';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  createTestContext, eventually, REPO_ROOT, startStack, testPhones, zoneWhereLocalHourIs, type Stack, type TestContext, maxLiveCalls } from '@dialer/testing';

jest.setTimeout(240_000);

interface SimCall {
  sid: string;
  to: string;
  statusCallback: string;
  createdAt: string;
  endedAt: string | null;
  finalStatus: string | null;
}

describe('a campaign end to end, every service its own process', () => {
  let ctx: TestContext;
  let stack: Stack;
  let api: AxiosInstance;
  const LEADS = 50;
  const LIMIT = 5;

  beforeAll(async () => {
    ctx = await createTestContext('e2e');
    stack = await startStack({
      env: { ...ctx.env, FEEDER_INTERVAL_MS: '200' },
      serviceEnv: {
        'provider-sim': {
          SIM_TIME_SCALE: '0.02',
          SIM_OUTCOMES: 'completed:0.5,busy:0.2,no-answer:0.2,failed:0.1',
          SIM_SEED: '7',
        },
      },
      workers: 2,
    });
    const created = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'services/campaign-api/src/cli/create-tenant.ts'), 'e2e tenant'], {
      env: { ...process.env, ...ctx.env }, encoding: 'utf8',
    });
    expect(created.status).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const { apiKey } = JSON.parse(lines[0]!) as { tenantId: string; apiKey: string };
    api = axios.create({ baseURL: `${stack.urls['campaign-api']}/v1`, headers: { Authorization: `Bearer ${apiKey}` }, validateStatus: () => true });
  });

  afterAll(async () => {
    await stack?.stop();
    await ctx?.close();
  });

  it('when a 50-lead campaign runs, then it completes with every lead final, stats adding up and nobody called twice per attempt', async () => {
    const conn = await api.post('/provider-connections', {
      name: 'sim', type: 'twilio', baseUrl: stack.urls['provider-sim'],
      accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex'), fromNumber: '+14155550100',
    });
    expect(conn.status).toBe(201);
    // Callees in a zone where it is about noon now, so the campaign's window is open whatever the hour.
    const zone = zoneWhereLocalHourIs(12);
    const camp = await api.post('/campaigns', {
      name: 'e2e', providerConnectionId: conn.data.id, maxConcurrentCalls: LIMIT, maxAttempts: 3,
      defaultTimezone: zone, callingWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6, 7] },
      retryPolicy: {
        busy: { enabled: true, delaySeconds: 1 }, no_answer: { enabled: true, delaySeconds: 1 }, failed: { enabled: true, delaySeconds: 1 },
      },
    });
    expect(camp.status).toBe(201);
    const id = camp.data.id as string;
    const phones = testPhones(LEADS);
    expect(phones).toHaveLength(LEADS);
    const added = await api.post(`/campaigns/${id}/leads`, { leads: phones.map((phone, i) => ({ phone, firstName: `Lead${i}`, timezone: zone })) });
    expect(added.status).toBe(201);
    expect(added.data.accepted).toBe(LEADS);
    expect((await api.post(`/campaigns/${id}/start`)).status).toBe(200);

    const stats = await eventually(async () => {
      const s = await api.get(`/campaigns/${id}/stats`);
      return s.data.status === 'completed' ? s.data : undefined;
    }, { timeoutMs: 180_000, intervalMs: 500, what: 'campaign completion' });

    // Every lead reached a final state.
    const open = await ctx.ds.query(`SELECT count(*)::int AS n FROM leads WHERE campaign_id = $1 AND status <> 'done'`, [id]);
    expect(open[0].n).toBe(0);

    // The stats add up to the leads and to the attempts.
    expect(stats.totalLeads).toBe(LEADS);
    expect(stats.leads.done).toBe(LEADS);
    const dispositionSum = Object.values(stats.dispositions as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(dispositionSum).toBe(LEADS);
    const [attempts] = await ctx.ds.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE ended_at IS NOT NULL)::int AS ended FROM call_attempts WHERE campaign_id = $1`, [id]);
    expect(stats.attempts).toBe(attempts.n);
    expect(stats.callsEnded).toBe(attempts.ended);
    expect(stats.connected + stats.voicemail + stats.busy + stats.noAnswer + stats.failed + stats.canceled).toBe(stats.callsEnded);

    // provider-sim saw each attempt exactly once, and never more than LIMIT live calls.
    const sim = await axios.get<SimCall[]>(`${stack.urls['provider-sim']}/sim/calls`);
    const calls = sim.data;
    expect(calls.length).toBe(attempts.n);
    const attemptIds = calls.map((c) => new URL(c.statusCallback).searchParams.get('attemptId'));
    expect(new Set(attemptIds).size).toBe(calls.length);
    const dbAttempts: Array<{ id: string; lead_id: string; attempt_no: number; phone: string }> = await ctx.ds.query(
      `SELECT a.id, a.lead_id, a.attempt_no, l.phone_e164 AS phone FROM call_attempts a JOIN leads l ON l.id = a.lead_id WHERE a.campaign_id = $1`, [id]);
    const byId = new Map(dbAttempts.map((a) => [a.id, a]));
    const seen = new Set<string>();
    for (const c of calls) {
      const a = byId.get(new URL(c.statusCallback).searchParams.get('attemptId')!);
      expect(a).toBeDefined();
      expect(c.to).toBe(a!.phone);
      const key = `${a!.lead_id}#${a!.attempt_no}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    const maxLive = maxLiveCalls(calls);
    expect(maxLive).toBeLessThanOrEqual(LIMIT);
    expect(maxLive).toBeGreaterThan(1);
  });
});
