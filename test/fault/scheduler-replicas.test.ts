/**
 * Two scheduler replicas at once (issue 15, item 3): one leads (feeder, scheduler tick, reconciler),
 * the other stands by. A campaign against provider-sim completes with every (lead, attempt) dialled
 * once, and no call is looked up at the provider twice; the leader is killed with SIGKILL
 * mid-campaign and the standby takes over within the lock's expiry.
 *
 * The lookups: an answered call without news for RECONCILE_STALE_ANSWERED_MS (1 s here) is looked
 * up; still live, it is not asked about again for RECONCILE_RECHECK_MS (10 min here) by that
 * reconciler, whose memory of it is per process. So each call of a few seconds is looked up once by
 * one reconciler, twice by two, and at most twice across a failover (the new leader does not know
 * what the dead one asked).
 */
import axios from 'axios';
import { eventually, type RunningProcess } from '@dialer/testing';
import { expectCampaignSettled, leadsDone, settleTestTimeoutMs, startCampaign, startFaultStack, type FaultStack } from './fault-harness';

jest.setTimeout(240_000);

const CAMPAIGN = { leads: 30, limit: 6 };

const LEADER_TTL_MS = 2_000;

interface SimCallView {
  sid: string;
  statusCallback: string;
  endedAt: string | null;
  lookups: number;
}

describe('two scheduler replicas', () => {
  let f: FaultStack;
  let schedulers: RunningProcess[];

  beforeAll(async () => {
    f = await startFaultStack('scheduler-replicas', 2, {
      SCHEDULER_LEADER_TTL_MS: String(LEADER_TTL_MS), SCHEDULER_LEADER_RETRY_MS: '200',
      RECONCILE_STALE_ANSWERED_MS: '1000', RECONCILE_RECHECK_MS: '600000',
    }, { schedulers: 2 });
    schedulers = [f.stack.procs.get('scheduler')!, f.stack.procs.get('scheduler#2')!];
  });

  afterAll(async () => {
    await f?.close();
  });

  async function roles(): Promise<Array<string | null>> {
    return Promise.all(schedulers.map(async (p) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return null;
      const res = await axios.get<{ role: string }>(`${p.url}/readyz`, { timeout: 2_000, validateStatus: () => true });
      return res.status === 200 ? res.data.role : null;
    }));
  }

  /** provider-sim's calls of the campaign (each names its attempt in its callback URL), with their lookup counts. */
  async function simCalls(attemptIds: Set<string>): Promise<SimCallView[]> {
    const all = (await axios.get<SimCallView[]>(`${f.stack.urls['provider-sim']}/sim/calls`)).data;
    return all.filter((c) => attemptIds.has(new URL(c.statusCallback).searchParams.get('attemptId') ?? ''));
  }

  it('when two replicas run and the leader is killed with SIGKILL mid-campaign, then one leads at a time, the standby takes over, the campaign completes, and no dial or provider lookup is doubled', async () => {
    const leading = await eventually(async () => {
      const r = await roles();
      return r.filter((x) => x === 'leader').length === 1 && r.filter((x) => x === 'standby').length === 1 ? r : undefined;
    }, { what: 'one leader and one standby' });
    const leader = schedulers[leading.indexOf('leader')]!;
    const standby = schedulers[leading.indexOf('standby')]!;

    // Answered calls that talk 4 s: each is stale (no news for 1 s) while it lasts.
    const set = await axios.put(`${f.stack.urls['provider-sim']}/sim/config`, {
      timeScale: 1, ringSeconds: 0.5, talkSeconds: 4, outcomes: { completed: 0.8, busy: 0.2 },
    });
    expect(set.status).toBe(200);
    const c = await startCampaign(f, { ...CAMPAIGN, seed: 73 });
    const attemptIds = async (): Promise<Set<string>> =>
      new Set((await f.ds.query(`SELECT id FROM call_attempts WHERE campaign_id = $1`, [c.id]) as Array<{ id: string }>).map((a) => a.id));

    // Mid-campaign, after the reconciler has looked calls up: kill the leader.
    await eventually(async () => {
      const looked = (await simCalls(await attemptIds())).reduce((n, call) => n + call.lookups, 0);
      const done = await leadsDone(f, c);
      if (done >= c.leads) throw new Error('the campaign completed before the leader could be killed');
      return looked > 0 && done >= 12;
    }, { timeoutMs: 90_000, intervalMs: 200, what: 'the campaign under way with calls looked up' });
    leader.kill('SIGKILL');
    await leader.exited;
    const killedAt = Date.now();
    await eventually(async () => (await roles())[schedulers.indexOf(standby)] === 'leader', { intervalMs: 100, what: 'the standby leads' });
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(LEADER_TTL_MS + 3_000);

    // Completes: every lead final, each (lead, attempt) called once, never over the limit, stats = recount.
    const r = await expectCampaignSettled(f, c);
    const ids = await attemptIds();
    const calls = await simCalls(ids);
    // No doubled job or dial: one provider call per attempt row.
    expect(calls).toHaveLength(ids.size);
    expect(r.calls).toBe(r.attempts);
    // Provider lookups not doubled: a call that ended before the kill was asked about at most once
    // (two reconcilers would each have asked); one live across the failover at most twice.
    const lookups = calls.reduce((n, call) => n + call.lookups, 0);
    const endedBefore = calls.filter((call) => call.endedAt !== null && Date.parse(call.endedAt) < killedAt);
    expect(endedBefore.filter((call) => call.lookups > 0).length).toBeGreaterThan(0);
    expect(endedBefore.filter((call) => call.lookups > 1).map((call) => [call.sid, call.lookups])).toEqual([]);
    expect(calls.filter((call) => call.lookups > 2).map((call) => [call.sid, call.lookups])).toEqual([]);
    process.stdout.write(`scheduler replicas: ${r.calls} calls (${endedBefore.length} ended before the kill), ${lookups} lookups, takeover ${takeoverMs} ms after SIGKILL\n`);
  }, settleTestTimeoutMs([CAMPAIGN], 180_000));
});
