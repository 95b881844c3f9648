/**
 * Lost terminal callbacks (issue 14, item 3): webhook-ingest is down longer than provider-sim's
 * callback retry window (6 tries over about 8 s) while calls end, so their terminal callbacks are
 * given up. With the reconciler's default settings every such call must be settled within
 * 2 minutes of webhook-ingest's return, each (lead, attempt) called once, the stats equal to the recount.
 */
import axios from 'axios';
import { eventually, spawnService } from '@dialer/testing';
import { expectCampaignSettled, leadsDone, settleTestTimeoutMs, startCampaign, startFaultStack, type FaultStack } from './fault-harness';

jest.setTimeout(240_000);

/** Calls here ring a second and talk 4 s in real time (the sim's config below): 7.5 s at most. */
const CAMPAIGN = { leads: 16, limit: 8, callSeconds: 7.5 };

interface SimCallView {
  sid: string;
  endedAt: string | null;
  callbacks: Array<{ status: string; httpStatus: number | null; attempts: number; sentAt: string | null }>;
}

describe('terminal callbacks lost while webhook-ingest is down', () => {
  let f: FaultStack;

  beforeAll(async () => {
    // The reconciler's defaults for calls without news (not the harness's seconds).
    f = await startFaultStack('lost-callbacks', 2, {
      RECONCILE_STALE_RINGING_MS: undefined, RECONCILE_STALE_ANSWERED_MS: undefined, RECONCILE_RECHECK_MS: undefined,
    });
  });

  afterAll(async () => {
    await f?.close();
  });

  it('when webhook-ingest is down longer than the provider retries while calls end, then every call is settled within 2 minutes of its return and none is called twice', async () => {
    const sim = f.stack.urls['provider-sim'];
    // Calls that ring a second and talk 4 s: those live when webhook-ingest dies end during the outage.
    const set = await axios.put(`${sim}/sim/config`, {
      timeScale: 1, ringSeconds: 1, talkSeconds: 4, outcomes: { completed: 0.75, 'no-answer': 0.25 },
    });
    expect(set.status).toBe(200);
    const c = await startCampaign(f, { ...CAMPAIGN, seed: 41 });

    // The campaign at its limit with calls answered.
    await eventually(async () => {
      const [r] = await f.ds.query(
        `SELECT count(*) FILTER (WHERE answered_at IS NOT NULL)::int AS answered, count(*)::int AS live
           FROM call_attempts WHERE campaign_id = $1 AND ended_at IS NULL AND provider_call_id IS NOT NULL`, [c.id]);
      return r.live >= c.limit && r.answered >= 4;
    }, { timeoutMs: 60_000, intervalMs: 100, what: 'the campaign at its limit with answered calls' });

    const ingest = f.stack.procs.get('webhook-ingest')!;
    ingest.kill('SIGKILL');
    await ingest.exited;
    const killedAt = Date.now();

    // Every call live at the kill ends, and provider-sim gives up its terminal callback.
    const delivered = (cb: SimCallView['callbacks'][number]) => cb.httpStatus !== null && cb.httpStatus < 300;
    const givenUp = (cb: SimCallView['callbacks'][number]) => !delivered(cb) && cb.attempts >= 6;
    await eventually(async () => {
      const calls = (await axios.get<SimCallView[]>(`${sim}/sim/calls`)).data;
      return calls.every((call) => call.endedAt !== null && call.callbacks.every((cb) => delivered(cb) || givenUp(cb)));
    }, { timeoutMs: 60_000, intervalMs: 250, what: 'the calls ended and their callbacks given up' });
    const given = (await axios.get<SimCallView[]>(`${sim}/sim/calls`)).data.filter((call) => call.callbacks.some(givenUp));
    expect(given.length).toBeGreaterThanOrEqual(c.limit);

    // webhook-ingest back on its port (the callback URLs name it).
    const back = await spawnService('webhook-ingest', { env: f.stack.env, port: ingest.port });
    f.stack.procs.set('webhook-ingest', back);
    const backAt = Date.now();

    await eventually(async () => (await leadsDone(f, c)) === c.leads,
      { timeoutMs: 120_000, intervalMs: 500, what: 'every lead final within 2 minutes of webhook-ingest\'s return' });
    const r = await expectCampaignSettled(f, c);
    expect(r.maxLive).toBeLessThanOrEqual(c.limit);
    process.stdout.write(`lost callbacks: ${given.length} given up during ${backAt - killedAt} ms down; campaign complete ${Date.now() - backAt} ms after the return\n`);
    // Before the settle: the limit reached (60 s), the outage (60 s), every lead final after the return (120 s).
  }, settleTestTimeoutMs([CAMPAIGN], 300_000));
});
