/**
 * Nested budgets under worker crashes: two campaigns of one tenant whose tenant limit is below the
 * sum of their limits, and two tenants whose connections share one provider account with a limit,
 * dialled by several dialer-worker processes killed with SIGKILL at random moments. Never more live
 * calls than any level allows (provider-sim's record, counted per tenant and per account).
 */
import { ConcurrencyLease } from '@dialer/queue';
import { eventually, maxLiveCalls } from '@dialer/testing';
import {
  createTenant, expectCampaignSettled, leadsDone, operatorSharedAccount, PREFIX, randomPause, settleTestTimeoutMs, simCallsOf,
  startCampaign, startFaultStack,
  type CampaignStack, type FaultCampaign, type FaultStack,
} from './fault-harness';

jest.setTimeout(300_000);

// Tenant A's limit of 3 shared by its two campaigns; the account's 4 usable slots by tenants B and C.
const TENANT_A = { leads: 30, limit: 3, concurrency: 1.5 };
const ACCOUNT = { leads: 30, limit: 3, concurrency: 2 };

describe('nested concurrency budgets, with workers killed under load', () => {
  let f: FaultStack;

  beforeAll(async () => {
    f = await startFaultStack('budgets', 3);
  });

  afterAll(async () => {
    await f?.close();
  });

  it('when campaigns share a tenant limit and tenants share an account limit, then no level is ever over, across SIGKILLs', async () => {
    // Tenant A: limit 3 across two campaigns of limit 3 each.
    const limited = await f.api.patch('/tenant', { maxConcurrentCalls: 3 });
    expect(limited.status).toBe(200);
    expect(limited.data.maxConcurrentCalls).toBe(3);
    // Tenants B and C: no tenant limit, each a connection to one account of 5 slots, 1 reserved,
    // shared by the platform operator (an account key alone is per tenant).
    const shared = { sharedAccount: 'sim-shared' };
    // A call cut by a kill ends as provider_error: retried soon, so the campaigns end within the test.
    const retryPolicy = { provider_error: { enabled: true, delaySeconds: 1 } };
    const tb: CampaignStack = { ...f, ...(await createTenant(f.stack, 'budgets tenant B')) };
    const tc: CampaignStack = { ...f, ...(await createTenant(f.stack, 'budgets tenant C')) };
    await operatorSharedAccount(f.stack, ['set', 'sim-shared', '--type', 'twilio', '--max', '5', '--reserved', '1']);
    for (const t of [tb, tc]) await operatorSharedAccount(f.stack, ['grant', 'sim-shared', t.tenantId]);

    const a1 = await startCampaign(f, { ...TENANT_A, seed: 31, retryPolicy });
    const a2 = await startCampaign(f, { ...TENANT_A, seed: 32, retryPolicy });
    const b = await startCampaign(tb, { ...ACCOUNT, seed: 33, connection: shared, retryPolicy });
    const c = await startCampaign(tc, { ...ACCOUNT, seed: 34, connection: shared, retryPolicy });

    const all: Array<[CampaignStack, FaultCampaign]> = [[f, a1], [f, a2], [tb, b], [tc, c]];
    const done = async (): Promise<boolean> => {
      for (const [s, x] of all) if ((await leadsDone(s, x)) < x.leads) return false;
      return true;
    };
    // Two of the three workers die by SIGKILL at random moments (their slots are left held until
    // expiry or the reconciler frees them); the last one finishes the work.
    for (let i = 0; i < 2 && !(await done()); i++) {
      await randomPause(1000, 4000);
      const alive = f.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      const victim = alive[Math.floor(Math.random() * alive.length)]!;
      victim.kill('SIGKILL');
      await victim.exited;
    }
    for (const [s, x] of all) await expectCampaignSettled(s, x);

    const tenantLive = maxLiveCalls(await simCallsOf(f, [a1.id, a2.id]));
    const accountLive = maxLiveCalls(await simCallsOf(f, [b.id, c.id]));
    expect(tenantLive).toBeLessThanOrEqual(3);
    expect(accountLive).toBeLessThanOrEqual(4);
    // Both budgets were the bottleneck at times (the test would see a missing level check).
    expect(tenantLive).toBe(3);
    expect(accountLive).toBe(4);

    const lease = new ConcurrencyLease(f.redis, PREFIX);
    await eventually(async () => (await lease.heldAt('tenant', f.tenantId)) === 0 && (await lease.heldAt('connection', 'shared:sim-shared')) === 0,
      { timeoutMs: 20_000, what: 'every tenant and account slot released' });
  }, settleTestTimeoutMs([TENANT_A, TENANT_A, ACCOUNT, ACCOUNT]));
});
