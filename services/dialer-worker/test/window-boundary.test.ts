/**
 * A campaign driven across the opening of its calling window, every service its own process, all
 * sharing one fake "now" (DIALER_CLOCK_OFFSET_MS), provider-sim recording the calls: no call is
 * placed before the opening, and calls start at the opening.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { createTestContext, eventually, REPO_ROOT, startStack, type Stack, type TestContext } from '@dialer/testing';

jest.setTimeout(240_000);

const MINUTE = 60_000;
const pad = (n: number): string => String(n).padStart(2, '0');

describe('a campaign across its window opening, with a shared fake clock', () => {
  let ctx: TestContext;
  let stack: Stack;
  let api: AxiosInstance;
  /** Fake = real + offset, in every process. */
  let offset: number;

  beforeAll(async () => {
    ctx = await createTestContext('boundary');
    // Wednesday 2026-03-04, 09:59:25 UTC by the dialer's clock when the services start.
    offset = Date.parse('2026-03-04T09:59:25Z') - Date.now();
    stack = await startStack({
      env: { ...ctx.env, FEEDER_INTERVAL_MS: '200', DIALER_CLOCK_OFFSET_MS: String(offset) },
      serviceEnv: { 'provider-sim': { SIM_TIME_SCALE: '0.02', SIM_OUTCOMES: 'completed:1', SIM_SEED: '3' } },
    });
    const created = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [path.join(REPO_ROOT, 'services/campaign-api/src/cli/create-tenant.ts'), 'boundary'], {
      env: { ...process.env, ...ctx.env }, encoding: 'utf8',
    });
    expect(created.status).toBe(0);
    const { apiKey } = JSON.parse(created.stdout.trim()) as { apiKey: string };
    api = axios.create({ baseURL: `${stack.urls['campaign-api']}/v1`, headers: { Authorization: `Bearer ${apiKey}` }, validateStatus: () => true });
  });

  afterAll(async () => {
    await stack?.stop();
    await ctx?.close();
  });

  it('when the window opens while the campaign runs, then no call is placed before the opening and the leads are called from the opening on', async () => {
    // The opening: the first whole minute at least 8 s ahead on the shared clock (however long the start took).
    const fakeNow = Date.now() + offset;
    const opening = Math.ceil((fakeNow + 8_000) / MINUTE) * MINUTE;
    const o = new Date(opening);
    expect(o.getUTCDay()).toBe(3);
    const start = `${pad(o.getUTCHours())}:${pad(o.getUTCMinutes())}`;

    const conn = await api.post('/provider-connections', {
      name: 'sim', type: 'twilio', baseUrl: stack.urls['provider-sim'],
      accountSid: `AC${randomBytes(16).toString('hex')}`, authToken: randomBytes(16).toString('hex'), fromNumber: '+14155550100',
    });
    expect(conn.status).toBe(201);
    const camp = await api.post('/campaigns', {
      name: 'boundary', providerConnectionId: conn.data.id, maxConcurrentCalls: 3, maxAttempts: 1, defaultTimezone: 'UTC',
      callingWindow: { ranges: { 3: [{ start, end: '23:00' }] } },
    });
    expect(camp.status).toBe(201);
    const id = camp.data.id as string;
    // UK numbers (no rule pack), callees in UTC.
    const phones = Array.from({ length: 6 }, (_, i) => `+4479111${String(20000 + i)}`);
    const added = await api.post(`/campaigns/${id}/leads`, { leads: phones.map((phone) => ({ phone, timezone: 'UTC' })) });
    expect(added.status).toBe(201);
    // Due by the shared clock (the database's own now() is behind it).
    await ctx.ds.query(`UPDATE leads SET next_attempt_at = $2 WHERE campaign_id = $1`, [id, new Date(fakeNow)]);
    expect((await api.post(`/campaigns/${id}/start`)).status).toBe(200);

    const stats = await eventually(async () => {
      const s = await api.get(`/campaigns/${id}/stats`);
      return s.data.status === 'completed' ? s.data : undefined;
    }, { timeoutMs: 180_000, intervalMs: 500, what: 'campaign completion after the opening' });
    expect(stats.leads.done).toBe(phones.length);

    const sim = await axios.get<Array<{ to: string; createdAt: string }>>(`${stack.urls['provider-sim']}/sim/calls`);
    expect(sim.data.map((c) => c.to).sort()).toEqual([...phones].sort());
    const callTimes = sim.data.map((c) => Date.parse(c.createdAt) + offset);
    // Never before the opening …
    for (const t of callTimes) expect(t).toBeGreaterThanOrEqual(opening);
    // … and from the opening on: the leads were waiting for it, not for some later tick.
    expect(Math.min(...callTimes) - opening).toBeLessThan(30_000);
    const attempts: Array<{ n: number }> = await ctx.ds.query(`SELECT count(*)::int AS n FROM call_attempts WHERE campaign_id = $1 AND created_at < $2`, [id, new Date(opening)]);
    expect(attempts[0]!.n).toBe(0);
  });
});
