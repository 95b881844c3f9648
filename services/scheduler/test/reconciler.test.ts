import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { createLogger, encryptSecret } from '@dialer/platform';
import { createAdapter, EXOTEL_LIST_MISSES_LIVE_CALLS_MS, type ProviderAdapter } from '@dialer/providers';
import { ConcurrencyLease, leaseMember, QUEUES } from '@dialer/queue';
import {
  createTestContext, eventually, freePort, spawnService, testPhones, type RunningProcess, type TestContext,
} from '@dialer/testing';
import { Reconciler, type ReconcileReport } from '../src/reconciler/reconciler';
import { ReconcilerConfig } from '../src/reconciler/reconciler.config';

const SECRETS_KEY = 'reconciler-test-secrets-key';
const ACCOUNT_SID = 'AC0000000000000000000000000000reco';
const AUTH_TOKEN = 'reconciler-token';
const TWILIO_CONFIG = { accountSid: ACCOUNT_SID, fromNumber: '+14155550100', machineDetection: 'Enable' };
const LEASE_TTL_MS = 3_600_000;
const GRACE_MS = 60_000;
const ORPHAN_SLOT_MS = 15_000;
const RECHECK_MS = 600_000;
const VAPI_CONFIG = { assistantId: 'asst_reconciler', phoneNumberId: 'pn_reconciler' };
const VAPI_SECRETS = { apiKey: 'vapi-reconciler-key', webhookSecret: 'vapi-reconciler-secret' };
const EXOTEL_CONFIG = { accountSid: 'reconciler1', callerId: '08047112345', agentNumber: '+919900000001' };
const EXOTEL_SECRETS = { apiKey: 'exotel-key', apiToken: 'exotel-token', webhookToken: 'exotel-webhook-token' };
/** Nothing here is ever sent (the sim drops every callback): the webhooks are lost, which is why the reconciler asks. */
const NOWHERE = 'http://127.0.0.1:9/v1/webhooks/twilio/lost';

interface Seeded {
  leadId: string;
  attemptId: string;
  member: string;
}

describe('reconciler', () => {
  let ctx: TestContext;
  let sim: RunningProcess;
  let broken: { url: string; paths: string[]; close(): Promise<void> };
  let lease: ConcurrencyLease;
  let callFinished: Queue;
  let simAdapter: ProviderAdapter;
  let tenantId: string;
  let simConnectionId: string;
  let brokenConnectionId: string;
  /** A connection and an adapter of each other provider type, all against the same sim. */
  const others: Record<'vapi' | 'exotel', { connectionId: string; adapter: ProviderAdapter }> = {} as never;
  let campaignId: string;
  const phones = testPhones(40, 17);
  let nextPhone = 0;
  const reconcilers: Reconciler[] = [];

  beforeAll(async () => {
    ctx = await createTestContext('reconciler');
    sim = await spawnService('provider-sim', {
      env: { ...ctx.env, SIM_TIME_SCALE: '0', SIM_OUTCOMES: 'completed:1' }, port: await freePort(),
    });
    broken = await startBrokenProvider();
    lease = new ConcurrencyLease(ctx.redis, ctx.queuePrefix);
    callFinished = new Queue(QUEUES.callFinished.name, { connection: ctx.redis, prefix: ctx.queuePrefix });

    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('reconciler') RETURNING id`);
    tenantId = t.id;
    const sealed = encryptSecret(JSON.stringify({ authToken: AUTH_TOKEN }), SECRETS_KEY);
    const [pc] = await ctx.ds.query(
      `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed)
       VALUES ($1, 'sim', 'twilio', $2, $3, $4) RETURNING id`, [tenantId, sim.url, TWILIO_CONFIG, sealed]);
    simConnectionId = pc.id;
    const [bc] = await ctx.ds.query(
      `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed)
       VALUES ($1, 'broken', 'twilio', $2, $3, $4) RETURNING id`, [tenantId, broken.url, TWILIO_CONFIG, sealed]);
    brokenConnectionId = bc.id;
    const [c] = await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, max_attempts, default_timezone, calling_window)
       VALUES ($1, 'c', 'running', $2, 3, 'Etc/UTC', '{"start":"00:00","end":"23:59"}') RETURNING id`, [tenantId, simConnectionId]);
    campaignId = c.id;
    simAdapter = createAdapter({ type: 'twilio', baseUrl: sim.url, config: TWILIO_CONFIG }, { authToken: AUTH_TOKEN });
    for (const [type, config, secrets] of [['vapi', VAPI_CONFIG, VAPI_SECRETS], ['exotel', EXOTEL_CONFIG, EXOTEL_SECRETS]] as const) {
      const [oc] = await ctx.ds.query(
        `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed)
         VALUES ($1, $2, $2, $3, $4, $5) RETURNING id`, [tenantId, type, sim.url, config, encryptSecret(JSON.stringify(secrets), SECRETS_KEY)]);
      others[type] = { connectionId: oc.id, adapter: createAdapter({ type, baseUrl: sim.url, config }, secrets) };
    }
  });

  afterAll(async () => {
    await Promise.all(reconcilers.map((r) => r.stop()));
    await callFinished?.close();
    await sim?.stop();
    await broken?.close();
    await ctx?.close();
  });

  beforeEach(async () => {
    // Each test sees only its own live attempts and slots, with the leases known to be complete.
    await ctx.ds.query(`UPDATE call_attempts SET ended_at = now(), status = 'failed', outcome = 'failed' WHERE ended_at IS NULL`);
    await deleteLeaseKeys();
    await lease.rebuild([], LEASE_TTL_MS);
    await simConfig({ outcomes: { completed: 1 }, timeScale: 0, ringSeconds: 4, talkSeconds: 20, dropCallbackRate: 1 });
  });

  function reconciler(now?: () => number): Reconciler {
    const r = new Reconciler({
      ds: ctx.ds, redis: ctx.redis, prefix: ctx.queuePrefix, lease, secretsKey: SECRETS_KEY,
      logger: createLogger({ service: 'reconciler-test', level: 'silent' }),
      intervalMs: 60_000, graceMs: GRACE_MS, orphanSlotMs: ORPHAN_SLOT_MS, leaseTtlMs: LEASE_TTL_MS,
      staleRingingMs: 900_000, staleAnsweredMs: 14_700_000, recheckMs: RECHECK_MS, batchSize: 50, now,
    });
    reconcilers.push(r);
    return r;
  }

  async function simConfig(body: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${sim.url}/sim/config`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  }

  /** How many times the sim's call lists were read (its Prometheus counter). */
  async function simListLookups(): Promise<number> {
    const text = await (await fetch(`${sim.url}/metrics`)).text();
    const m = /^provider_sim_call_lookups_total\{[^}]*kind="list"[^}]*\} (\d+)/m.exec(text);
    return m ? Number(m[1]) : 0;
  }

  async function deleteLeaseKeys(): Promise<void> {
    const keys = await ctx.redis.keys(`${ctx.queuePrefix.replace(/[{}]/g, (c) => `\\${c}`)}:lease:*`);
    if (keys.length) await ctx.redis.del(...keys);
  }

  /** A lead in `dialing` with its first attempt, holding its slot; timestamps relative to now (seconds ago). */
  async function seed(a: {
    phone?: string; providerCallId?: string | null; connectionId?: string; provider?: string; status?: string;
    createdAgoS?: number; dialedAgoS?: number | null; answeredAgoS?: number | null; holdSlot?: boolean;
  } = {}): Promise<Seeded & { phone: string }> {
    const phone = a.phone ?? (phones[nextPhone++] as string);
    const [l] = await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts, timezones)
       VALUES ($1, $2, $3, 'dialing', 1, '{Etc/UTC}') RETURNING id`, [tenantId, campaignId, phone]);
    const ago = (s: number | null | undefined) => (s === null || s === undefined ? null : new Date(Date.now() - s * 1000));
    const [row] = await ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_connection_id, provider_call_id,
                                  status, created_at, dialed_at, answered_at)
       VALUES ($1, $2, $3, 1, $10, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [tenantId, campaignId, l.id, a.connectionId ?? simConnectionId, a.providerCallId ?? null, a.status ?? 'ringing',
        ago(a.createdAgoS ?? a.dialedAgoS ?? 0), ago(a.dialedAgoS), ago(a.answeredAgoS), a.provider ?? 'twilio']);
    const member = leaseMember(l.id, 1);
    if (a.holdSlot !== false) expect(await lease.acquire(campaignId, member, 100, LEASE_TTL_MS)).toBe(true);
    return { phone, leadId: l.id, attemptId: row.id, member };
  }

  async function attempt(id: string): Promise<Record<string, any>> {
    const [row] = await ctx.ds.query(
      `SELECT status, outcome, raw_status, answered_by, provider_call_id, error, ended_at FROM call_attempts WHERE id = $1`, [id]);
    return row;
  }

  async function lead(id: string): Promise<Record<string, any>> {
    const [row] = await ctx.ds.query(`SELECT status, disposition, next_attempt_at FROM leads WHERE id = $1`, [id]);
    return row;
  }

  /** Places a call at the sim and waits until it is `until` there (its callbacks are all dropped). */
  async function simCall(to: string, until: (status: string) => boolean): Promise<string> {
    const placed = await simAdapter.placeCall({ to, callAttemptId: 'placed-by-test', statusCallbackUrl: NOWHERE });
    await eventually(async () => until((await simAdapter.fetchCall(placed.providerCallId)).status), { what: 'the sim call to progress' });
    return placed.providerCallId;
  }

  const zero: ReconcileReport = {
    leasesRebuilt: false, adopted: 0, closed: 0, staleEnded: 0, staleExtended: 0, staleNotFound: 0, staleUnresolved: 0, slotsFreed: 0,
  };

  it('when an undialled attempt\'s call exists at the provider, then the attempt adopts its sid and stays live', async () => {
    await simConfig({ timeScale: 1, ringSeconds: 0, talkSeconds: 100_000 });
    const s = await seed({ createdAgoS: 120, status: 'created' });
    const sid = await simCall(s.phone, (st) => st === 'in_progress');

    const report = await reconciler().runOnce();

    expect(report).toEqual({ ...zero, adopted: 1 });
    expect(await attempt(s.attemptId)).toMatchObject({ provider_call_id: sid, status: 'queued', ended_at: null });
    expect(await lease.members(campaignId)).toContain(s.member);
    await simAdapter.hangup(sid);
  });

  it('when an undialled attempt has no call at the provider, then it is closed as provider_error and its slot freed', async () => {
    const s = await seed({ createdAgoS: 120, status: 'created' });

    const report = await reconciler().runOnce();

    expect(report).toEqual({ ...zero, closed: 1 });
    expect(await attempt(s.attemptId)).toMatchObject({ status: 'failed', outcome: 'provider_error', provider_call_id: null });
    expect(await lease.members(campaignId)).not.toContain(s.member);
    expect(await callFinished.getJob(s.attemptId)).toBeTruthy();
  });

  describe.each(['vapi', 'exotel'] as const)('with a %s connection', (type) => {
    const other = () => others[type];
    /** Places a call at the sim through this provider's adapter and waits until it ended (its callbacks all dropped). */
    async function endedCall(to: string): Promise<string> {
      const placed = await other().adapter.placeCall({ to, callAttemptId: 'placed-by-test', statusCallbackUrl: NOWHERE });
      await eventually(async () => (await other().adapter.fetchCall(placed.providerCallId)).status === 'completed', { what: 'the sim call to end' });
      return placed.providerCallId;
    }
    const seedOther = (a: Parameters<typeof seed>[0]) => seed({ ...a, connectionId: other().connectionId, provider: type });

    it('when an undialled attempt\'s call ended at the provider, then the attempt adopts it, its outcome is applied and its slot freed', async () => {
      const s = await seedOther({ createdAgoS: 120, status: 'created' });
      const sid = await endedCall(s.phone);

      const report = await reconciler().runOnce();

      expect(report).toEqual({ ...zero, adopted: 1 });
      expect(await attempt(s.attemptId)).toMatchObject({ provider_call_id: sid, status: 'completed', outcome: 'answered' });
      expect((await attempt(s.attemptId)).ended_at).not.toBeNull();
      expect(await lead(s.leadId)).toMatchObject({ status: 'done', disposition: 'answered' });
      expect(await lease.members(campaignId)).not.toContain(s.member);
      expect(await callFinished.getJob(s.attemptId)).toBeTruthy();
    });

    it('when an undialled attempt matches two calls no attempt holds, then neither is adopted and nothing is closed', async () => {
      const s = await seedOther({ createdAgoS: 120, status: 'created' });
      await endedCall(s.phone);
      await endedCall(s.phone);

      const report = await reconciler().runOnce();

      expect(report).toEqual(zero);
      expect(await attempt(s.attemptId)).toMatchObject({ provider_call_id: null, status: 'created', ended_at: null });
      expect(await lead(s.leadId)).toMatchObject({ status: 'dialing' });
      expect(await lease.members(campaignId)).toContain(s.member);
    });

    it('when a stale dialled call ended at the provider without its webhook, then fetchCall gives its outcome and the attempt is settled', async () => {
      const phone = phones[nextPhone++] as string;
      const sid = await endedCall(phone);
      const s = await seedOther({ phone, providerCallId: sid, dialedAgoS: 3600 });

      const report = await reconciler().runOnce();

      expect(report).toEqual({ ...zero, staleEnded: 1 });
      expect(await attempt(s.attemptId)).toMatchObject({ status: 'completed', outcome: 'answered', provider_call_id: sid });
      expect(await lease.members(campaignId)).not.toContain(s.member);
    });
  });

  it('when an undialled Vapi attempt has no call at the provider, then it is closed after the grace period as provider_error', async () => {
    const s = await seed({ createdAgoS: 120, status: 'created', connectionId: others.vapi.connectionId, provider: 'vapi' });

    expect(await reconciler().runOnce()).toEqual({ ...zero, closed: 1 });
    expect(await attempt(s.attemptId)).toMatchObject({ status: 'failed', outcome: 'provider_error', provider_call_id: null });
    expect(await lease.members(campaignId)).not.toContain(s.member);
  });

  it('when an undialled Exotel attempt has no call in Bulk Call Details, then it is kept while a call could still be live (Exotel lists only ended calls) and closed once none can', async () => {
    const exotel = { connectionId: others.exotel.connectionId, provider: 'exotel' };
    const young = await seed({ ...exotel, createdAgoS: 120, status: 'created' });
    const old = await seed({ ...exotel, createdAgoS: EXOTEL_LIST_MISSES_LIVE_CALLS_MS / 1000 + 60, status: 'created' });

    let now = Date.now();
    const r = reconciler(() => now);
    let lists = await simListLookups();
    expect(await r.runOnce()).toEqual({ ...zero, closed: 1 });
    expect(await simListLookups()).toBe(lists + 2);

    expect(await attempt(young.attemptId)).toMatchObject({ status: 'created', ended_at: null });
    expect(await lead(young.leadId)).toMatchObject({ status: 'dialing' });
    expect(await lease.members(campaignId)).toContain(young.member);
    expect(await attempt(old.attemptId)).toMatchObject({ status: 'failed', outcome: 'provider_error', provider_call_id: null });
    expect(await lease.members(campaignId)).not.toContain(old.member);

    // The waiting attempt is not asked about on every run, only after the recheck period.
    lists = await simListLookups();
    expect(await r.runOnce()).toEqual(zero);
    expect(await simListLookups()).toBe(lists);
    now += RECHECK_MS + 1;
    expect(await r.runOnce()).toEqual(zero);
    expect(await simListLookups()).toBe(lists + 1);
    expect(await attempt(young.attemptId)).toMatchObject({ status: 'created', ended_at: null });
  });

  it('when a stale dialled call ended at the provider without its webhook, then its outcome is applied, the slot freed and the lead moves on', async () => {
    await simConfig({ outcomes: { machine: 1 } });
    const phone = phones[nextPhone++] as string;
    const sid = await simCall(phone, (st) => st === 'completed');
    const s = await seed({ phone, providerCallId: sid, dialedAgoS: 3600 });

    const report = await reconciler().runOnce();

    expect(report).toEqual({ ...zero, staleEnded: 1 });
    // As the terminal webhook would: answered by a machine is a voicemail, not an answered call.
    expect(await attempt(s.attemptId)).toMatchObject({
      status: 'completed', outcome: 'voicemail', raw_status: 'completed', answered_by: 'machine_start', provider_call_id: sid,
    });
    expect((await attempt(s.attemptId)).ended_at).not.toBeNull();
    expect(await lead(s.leadId)).toMatchObject({ status: 'pending', disposition: 'voicemail' });
    expect(await lease.members(campaignId)).not.toContain(s.member);
    expect((await callFinished.getJob(s.attemptId))?.data).toEqual({ tenantId, campaignId, callAttemptId: s.attemptId });
  });

  it('when a stale call is still live at the provider, then its slot is extended, it is not closed, and it is asked about again only after the recheck period', async () => {
    await simConfig({ timeScale: 1, ringSeconds: 0, talkSeconds: 100_000 });
    const phone = phones[nextPhone++] as string;
    const sid = await simCall(phone, (st) => st === 'in_progress');
    const s = await seed({ phone, providerCallId: sid, status: 'in_progress', dialedAgoS: 5 * 3600, answeredAgoS: 5 * 3600 - 30, holdSlot: false });
    // The slot is about to expire.
    expect(await lease.acquire(campaignId, s.member, 100, 60_000)).toBe(true);

    let now = Date.now();
    const r = reconciler(() => now);
    expect(await r.runOnce()).toEqual({ ...zero, staleExtended: 1 });

    expect(await attempt(s.attemptId)).toMatchObject({ status: 'in_progress', ended_at: null });
    const expiresIn = Number(await ctx.redis.zscore(lease.key(campaignId), s.member)) - Date.now();
    expect(expiresIn).toBeGreaterThan(LEASE_TTL_MS - 60_000);
    // The set outlives its members (it was due to expire with the 60 s slot).
    expect(await ctx.redis.pttl(lease.key(campaignId))).toBeGreaterThan(2 * LEASE_TTL_MS - 60_000);
    expect(await lead(s.leadId)).toMatchObject({ status: 'dialing' });

    expect(await r.runOnce()).toEqual(zero);
    now += RECHECK_MS + 1;
    expect(await r.runOnce()).toEqual({ ...zero, staleExtended: 1 });
    await simAdapter.hangup(sid);
  });

  it('when answered calls ended at the provider without their callbacks, then with the default settings they are settled on the next runs, a live one keeps its slot, and each run asks a connection at most its budget', async () => {
    const d = new ReconcilerConfig();
    await simConfig({ timeScale: 1, ringSeconds: 0, talkSeconds: 100_000 });
    const livePhone = phones[nextPhone++] as string;
    const liveSid = await simCall(livePhone, (st) => st === 'in_progress');
    const freshPhone = phones[nextPhone++] as string;
    const freshSid = await simCall(freshPhone, (st) => st === 'in_progress');
    await simConfig({ timeScale: 0 });
    const ended: Array<Seeded & { phone: string }> = [];
    for (let i = 0; i < 3; i++) {
      const phone = phones[nextPhone++] as string;
      const sid = await simCall(phone, (st) => st === 'completed');
      // Answered a minute and a half ago (oldest first: the live call, then these), never heard of since.
      ended.push(await seed({ phone, providerCallId: sid, status: 'in_progress', dialedAgoS: 100 - i, answeredAgoS: 95 - i }));
    }
    const live = await seed({ phone: livePhone, providerCallId: liveSid, status: 'in_progress', dialedAgoS: 120, answeredAgoS: 115 });
    // Answered with news a moment ago: not asked about yet.
    const fresh = await seed({ phone: freshPhone, providerCallId: freshSid, status: 'in_progress', dialedAgoS: 20, answeredAgoS: 10 });

    let now = Date.now();
    const r = new Reconciler({
      ds: ctx.ds, redis: ctx.redis, prefix: ctx.queuePrefix, lease, secretsKey: SECRETS_KEY,
      logger: createLogger({ service: 'reconciler-test', level: 'silent' }),
      intervalMs: d.RECONCILER_INTERVAL_MS, graceMs: d.RECONCILE_GRACE_MS, orphanSlotMs: d.RECONCILE_ORPHAN_SLOT_MS, leaseTtlMs: LEASE_TTL_MS,
      staleRingingMs: d.RECONCILE_STALE_RINGING_MS, staleAnsweredMs: d.RECONCILE_STALE_ANSWERED_MS, recheckMs: d.RECONCILE_RECHECK_MS,
      batchSize: d.RECONCILE_BATCH, lookupsPerConnection: 2, now: () => now,
    });
    reconcilers.push(r);

    // Budget 2 per connection: the two oldest (the live call and the first ended one).
    expect(await r.runOnce()).toEqual({ ...zero, staleExtended: 1, staleEnded: 1 });
    // The next run: the other two; the live call is not asked again before its recheck.
    expect(await r.runOnce()).toEqual({ ...zero, staleEnded: 2 });
    for (const s of ended) {
      expect(await attempt(s.attemptId)).toMatchObject({ status: 'completed', outcome: 'answered' });
      expect(await lease.members(campaignId)).not.toContain(s.member);
    }
    expect(await attempt(live.attemptId)).toMatchObject({ status: 'in_progress', ended_at: null });
    expect(await lease.members(campaignId)).toEqual(expect.arrayContaining([live.member, fresh.member]));
    expect(await r.runOnce()).toEqual(zero);
    // A minute on: the live call is asked again, and the other one now has no news for a minute.
    now += d.RECONCILE_RECHECK_MS + 1;
    expect(await r.runOnce()).toEqual({ ...zero, staleExtended: 2 });
    expect(await lease.members(campaignId)).toEqual(expect.arrayContaining([live.member, fresh.member]));
    await simAdapter.hangup(liveSid);
    await simAdapter.hangup(freshSid);
  });

  it('when the provider does not know a stale call (404), then the attempt is closed as provider_error and its slot freed', async () => {
    const sid = `CA${'0'.repeat(24)}deadbeef`;
    const s = await seed({ providerCallId: sid, dialedAgoS: 3600 });

    const report = await reconciler().runOnce();

    expect(report).toEqual({ ...zero, staleNotFound: 1 });
    const row = await attempt(s.attemptId);
    expect(row).toMatchObject({ status: 'failed', outcome: 'provider_error', raw_status: 'reconciler' });
    expect(row.error).toContain('404');
    expect(row.error).toContain(sid);
    expect(await lead(s.leadId)).toMatchObject({ status: 'pending', disposition: 'provider_error' });
    expect(await lease.members(campaignId)).not.toContain(s.member);
    expect(await callFinished.getJob(s.attemptId)).toBeTruthy();
  });

  it('when the provider answers 5xx, then the stale attempts stay as they are, and the failing provider is asked once per run', async () => {
    const a = await seed({ providerCallId: `CA${'1'.repeat(32)}`, connectionId: brokenConnectionId, dialedAgoS: 3600 });
    const b = await seed({ providerCallId: `CA${'2'.repeat(32)}`, connectionId: brokenConnectionId, dialedAgoS: 3000 });
    broken.paths.length = 0;

    const report = await reconciler().runOnce();

    expect(report).toEqual({ ...zero, staleUnresolved: 2 });
    expect(broken.paths.length).toBeGreaterThan(0);
    expect(new Set(broken.paths)).toEqual(new Set([`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/CA${'1'.repeat(32)}.json`]));
    for (const s of [a, b]) {
      expect(await attempt(s.attemptId)).toMatchObject({ status: 'ringing', outcome: null, ended_at: null });
      expect(await lead(s.leadId)).toMatchObject({ status: 'dialing' });
      expect(await lease.members(campaignId)).toContain(s.member);
    }
  });

  it('when the lease keys are deleted, then the slots of the live attempts are rebuilt from Postgres', async () => {
    const live = await seed({ providerCallId: `CA${'3'.repeat(32)}`, dialedAgoS: 10 });
    const ended = await seed({ providerCallId: `CA${'4'.repeat(32)}`, dialedAgoS: 10, holdSlot: false });
    await ctx.ds.query(`UPDATE call_attempts SET ended_at = now(), status = 'busy', outcome = 'busy' WHERE id = $1`, [ended.attemptId]);
    await deleteLeaseKeys();
    expect(await lease.intact()).toBe(false);

    const report = await reconciler().runOnce();

    expect(report).toEqual({ ...zero, leasesRebuilt: true });
    expect(await lease.intact()).toBe(true);
    expect(await lease.members(campaignId)).toEqual([live.member]);
  });

  it('when a slot is held for an ended attempt or for one never written, then the first is freed at once and the second after the orphan period', async () => {
    const ended = await seed({ providerCallId: `CA${'5'.repeat(32)}`, dialedAgoS: 10 });
    await ctx.ds.query(`UPDATE call_attempts SET ended_at = now(), status = 'busy', outcome = 'busy' WHERE id = $1`, [ended.attemptId]);
    const ghost = leaseMember('00000000-0000-4000-8000-000000000001', 1);
    expect(await lease.acquire(campaignId, ghost, 100, LEASE_TTL_MS)).toBe(true);

    let now = Date.now();
    const r = reconciler(() => now);
    expect(await r.runOnce()).toEqual({ ...zero, slotsFreed: 1 });
    expect(await lease.members(campaignId)).toEqual([ghost]);

    now += ORPHAN_SLOT_MS;
    expect(await r.runOnce()).toEqual({ ...zero, slotsFreed: 1 });
    expect(await lease.members(campaignId)).toEqual([]);
  });
});

/** A provider whose API answers 500 to everything (Twilio's error body), recording the paths asked. */
async function startBrokenProvider(): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ code: 20500, message: 'Internal Server Error', status: 500 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
