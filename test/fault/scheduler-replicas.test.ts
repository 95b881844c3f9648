/**
 * Two scheduler replicas at once (issue 15, item 3): one leads (feeder, scheduler tick, reconciler),
 * the other stands by. A campaign against provider-sim, with a quarter of the callbacks lost so the
 * reconciler has calls to look up, completes with every (lead, attempt) dialled once and no call
 * looked up twice; the leader is killed with SIGKILL mid-campaign and the standby takes over within
 * the lock's expiry.
 */
import axios from 'axios';
import { eventually, type RunningProcess } from '@dialer/testing';
import { expectCampaignSettled, leadsDone, startCampaign, startFaultStack, type FaultStack } from './fault-harness';

jest.setTimeout(240_000);

const LEADER_TTL_MS = 2_000;

interface SimCallView {
  sid: string;
  statusCallback: string;
  lookups: number;
}

describe('two scheduler replicas', () => {
  let f: FaultStack;
  let schedulers: RunningProcess[];

  beforeAll(async () => {
    f = await startFaultStack('scheduler-replicas', 2, {
      SCHEDULER_LEADER_TTL_MS: String(LEADER_TTL_MS), SCHEDULER_LEADER_RETRY_MS: '200',
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

    // A quarter of the callbacks lost: their calls stay open until the reconciler looks them up.
    const set = await axios.put(`${f.stack.urls['provider-sim']}/sim/config`, { dropCallbackRate: 0.25 });
    expect(set.status).toBe(200);
    const c = await startCampaign(f, { leads: 40, limit: 5, seed: 73 });
    const attemptIds = async (): Promise<Set<string>> =>
      new Set((await f.ds.query(`SELECT id FROM call_attempts WHERE campaign_id = $1`, [c.id]) as Array<{ id: string }>).map((a) => a.id));

    // Mid-campaign, after the reconciler has looked calls up: kill the leader.
    await eventually(async () => {
      const looked = (await simCalls(await attemptIds())).reduce((n, call) => n + call.lookups, 0);
      const done = await leadsDone(f, c);
      if (done >= c.leads) throw new Error('the campaign completed before the leader could be killed');
      return looked > 0 && done >= 5;
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
    // Provider lookups not doubled: with two reconcilers each stale call would be asked about twice.
    // A failover may repeat one lookup (the dead leader's last, its outcome not yet applied).
    const lookups = calls.reduce((n, call) => n + call.lookups, 0);
    const twice = calls.filter((call) => call.lookups > 1);
    expect(lookups).toBeGreaterThan(0);
    expect(twice.length).toBeLessThanOrEqual(1);
    process.stdout.write(`scheduler replicas: ${r.calls} calls, ${lookups} lookups (${twice.length} repeated), takeover ${takeoverMs} ms after SIGKILL\n`);
  });
});
