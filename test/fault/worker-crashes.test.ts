/**
 * Fault scenarios with several dialer-worker processes: kill -9 at random moments, and SIGTERM
 * under load. Each ends with every lead final, stats consistent with the attempts, never more live
 * calls than the limit, and no (lead, attempt) called twice.
 */
import {
  expectCampaignSettled, leadsDone, randomPause, settleTestTimeoutMs, startCampaign, startFaultStack, type FaultStack,
} from './fault-harness';

// The stack's start and stop; each test's own timeout follows its campaign (settleTestTimeoutMs).
jest.setTimeout(240_000);

const KILLED = { leads: 50, limit: 4 };
const STOPPED = { leads: 40, limit: 4 };

describe('several dialer-workers, killed and stopped under load', () => {
  let f: FaultStack;

  beforeAll(async () => {
    f = await startFaultStack('crash', 3);
  });

  afterAll(async () => {
    await f?.close();
  });

  it('when 3 workers dial a campaign and workers are killed with SIGKILL at random moments, then every attempt is called once and the limit holds', async () => {
    const c = await startCampaign(f, { ...KILLED, seed: 21 });
    for (let i = 0; i < 3 && (await leadsDone(f, c)) < c.leads; i++) {
      await randomPause(500, 2500);
      const alive = f.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      const victim = alive[Math.floor(Math.random() * alive.length)]!;
      victim.kill('SIGKILL');
      await victim.exited;
      await f.addWorker(`replacement-${i}`);
    }
    const r = await expectCampaignSettled(f, c);
    expect(r.maxLive).toBeLessThanOrEqual(4);
  }, settleTestTimeoutMs([KILLED]));

  it('when a worker gets SIGTERM under load, then it exits 0 within its deadline and nothing is lost or leaked', async () => {
    const c = await startCampaign(f, { ...STOPPED, seed: 22 });
    await randomPause(800, 1500);
    const alive = f.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    const victim = alive[0]!;
    const started = Date.now();
    const code = await victim.stop(15_000);
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000 + 2_000); // SHUTDOWN_TIMEOUT_MS plus process exit
    await expectCampaignSettled(f, c);
  }, settleTestTimeoutMs([STOPPED]));
});
