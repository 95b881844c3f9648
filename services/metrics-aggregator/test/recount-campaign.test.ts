/**
 * Exactness end to end: every service its own process, provider-sim delivering half of its status
 * callbacks twice. A client watches the campaign's live event stream while it runs. When the
 * campaign completed, every stored webhook is delivered once more in reverse order (terminal
 * before ringing). The maintained counters must equal a recount from leads and attempts, and the
 * replay must move nothing.
 */
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import axios, { type AxiosInstance } from 'axios';
import { twilioSignature } from '@dialer/providers';
import {
  createTestContext, eventually, REPO_ROOT, startStack, testPhones, zoneWhereLocalHourIs, type Stack, type TestContext,
} from '@dialer/testing';

jest.setTimeout(240_000);

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** A minimal SSE client over node:http (the API key goes in the Authorization header). */
function watch(url: string, apiKey: string): { events: SseEvent[]; close(): void } {
  const events: SseEvent[] = [];
  const req = http.get(url, { headers: { Authorization: `Bearer ${apiKey}`, Accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    let buf = '';
    res.on('data', (chunk: string) => {
      buf += chunk;
      let at: number;
      while ((at = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, at);
        buf = buf.slice(at + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
      }
    });
  });
  req.on('error', () => undefined);
  return { events, close: () => req.destroy() };
}

describe('stats exactness over a full campaign with duplicated and reordered webhooks', () => {
  let ctx: TestContext;
  let stack: Stack;
  let api: AxiosInstance;
  let apiKey: string;
  const LEADS = 40;

  beforeAll(async () => {
    ctx = await createTestContext('recount');
    stack = await startStack({
      env: { ...ctx.env, FEEDER_INTERVAL_MS: '200' },
      serviceEnv: {
        'provider-sim': { SIM_TIME_SCALE: '0.02', SIM_OUTCOMES: 'completed:0.4,machine:0.1,busy:0.2,no-answer:0.2,failed:0.1', SIM_SEED: '11' },
      },
    });
    const created = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'services/campaign-api/src/cli/create-tenant.ts'), 'recount tenant'], {
      env: { ...process.env, ...ctx.env }, encoding: 'utf8',
    });
    expect(created.status).toBe(0);
    apiKey = (JSON.parse(created.stdout.trim()) as { apiKey: string }).apiKey;
    api = axios.create({ baseURL: `${stack.urls['campaign-api']}/v1`, headers: { Authorization: `Bearer ${apiKey}` }, validateStatus: () => true });
    const sim = await axios.put(`${stack.urls['provider-sim']}/sim/config`, { duplicateCallbackRate: 0.5 });
    expect(sim.status).toBe(200);
  });

  afterAll(async () => {
    await stack?.stop();
    await ctx?.close();
  });

  it('when the campaign completes and every webhook is replayed in reverse, then the counters equal the recount and the live stream carried the updates', async () => {
    const authToken = randomBytes(16).toString('hex');
    const conn = await api.post('/provider-connections', {
      name: 'sim', type: 'twilio', baseUrl: stack.urls['provider-sim'], accountSid: `AC${randomBytes(16).toString('hex')}`, authToken, fromNumber: '+14155550100',
    });
    expect(conn.status).toBe(201);
    // Callees in a zone where it is about noon now, so the window is open whatever the hour.
    const zone = zoneWhereLocalHourIs(12);
    const camp = await api.post('/campaigns', {
      name: 'recount', providerConnectionId: conn.data.id, maxConcurrentCalls: 5, maxAttempts: 2,
      defaultTimezone: zone, callingWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6, 7] },
      retryPolicy: {
        busy: { enabled: true, delaySeconds: 1 }, no_answer: { enabled: true, delaySeconds: 1 },
        failed: { enabled: true, delaySeconds: 1 }, voicemail: { enabled: true, delaySeconds: 1 },
      },
    });
    expect(camp.status).toBe(201);
    const id = camp.data.id as string;
    expect((await api.post(`/campaigns/${id}/leads`, { leads: testPhones(LEADS, 5).map((phone) => ({ phone, timezone: zone })) })).data.accepted).toBe(LEADS);

    const stream = watch(`${stack.urls['campaign-api']}/v1/campaigns/${id}/events`, apiKey);
    try {
      await eventually(async () => stream.events.some((e) => e.event === 'stats'), { what: 'the first stats event' });
      expect((await api.post(`/campaigns/${id}/start`)).status).toBe(200);
      const stats = await eventually(async () => {
        const s = await api.get(`/campaigns/${id}/stats`);
        return s.data.status === 'completed' ? s.data : undefined;
      }, { timeoutMs: 180_000, intervalMs: 500, what: 'campaign completion' });
      expect(stats.completedAt).not.toBeNull();
      expect(stats.completed).toBe(LEADS);

      // The stream carried finished calls and stats up to the completed campaign.
      const last = await eventually(async () => {
        const e = [...stream.events].reverse().find((x) => x.event === 'stats');
        return e?.data.status === 'completed' ? e : undefined;
      }, { what: 'a stats event showing the campaign completed' });
      expect(last.data.totalLeads).toBe(LEADS);
      const streamedCalls = stream.events.filter((e) => e.event === 'calls').flatMap((e) => e.data.calls as unknown[]);
      expect(streamedCalls.length).toBeGreaterThan(0);
    } finally {
      stream.close();
    }

    const sims = await axios.get<Array<{ callbacks?: Array<{ duplicates: number }> }>>(`${stack.urls['provider-sim']}/sim/calls`);
    const duplicated = sims.data.flatMap((c) => c.callbacks ?? []).filter((cb) => cb.duplicates > 0).length;
    expect(duplicated).toBeGreaterThan(0);

    const recount = async () => {
      const r = await api.post(`/campaigns/${id}/stats/recount`);
      expect(r.status).toBe(200);
      return r.data as { consistent: boolean; differences: unknown[]; unfoldedCalls: number };
    };
    const first = await eventually(async () => {
      const r = await recount();
      return r.unfoldedCalls === 0 ? r : undefined;
    }, { what: 'every ended call folded' });
    expect(first.differences).toEqual([]);
    expect(first.consistent).toBe(true);
    const before = (await api.get(`/campaigns/${id}/stats`)).data;

    // Replay every stored webhook, newest first (terminal statuses before ringing), signed as the provider would.
    const stored: Array<{ call_attempt_id: string; payload: Record<string, string> }> = await ctx.ds.query(
      `SELECT call_attempt_id, payload FROM webhook_events WHERE provider_connection_id = $1 ORDER BY id DESC`, [conn.data.id]);
    expect(stored.length).toBeGreaterThan(0);
    for (const e of stored) {
      const url = `${stack.urls['webhook-ingest']}/v1/webhooks/twilio/${conn.data.id as string}?attemptId=${e.call_attempt_id}`;
      const res = await axios.post(url, new URLSearchParams(e.payload).toString(), {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(authToken, url, e.payload) },
        validateStatus: () => true,
      });
      expect(res.status).toBeLessThan(300);
    }
    const after = await recount();
    expect(after.differences).toEqual([]);
    const again = (await api.get(`/campaigns/${id}/stats`)).data;
    for (const k of ['totalLeads', 'leads', 'dispositions', 'attempts', 'callsEnded', 'connected', 'voicemail', 'busy', 'noAnswer', 'failed', 'talkSeconds']) {
      expect(again[k]).toEqual(before[k]);
    }

    // The minute series adds up to the calls.
    const series = await api.get(`/campaigns/${id}/stats/timeseries`, { params: { granularity: 'minute' } });
    expect(series.status).toBe(200);
    const points = series.data.points as Array<{ dials: number; callsEnded: number }>;
    expect(points.reduce((a, p) => a + p.callsEnded, 0)).toBe(before.callsEnded);
    expect(points.reduce((a, p) => a + p.dials, 0)).toBe(before.callsEnded);
  });
});
