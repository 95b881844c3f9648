import { randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Queue } from 'bullmq';
import { grantSharedAccount, readLeadCounts, upsertSharedAccount } from '@dialer/db';
import { clock, createLogger, encryptSecret, loadConfig, secretsKey } from '@dialer/platform';
import { ConcurrencyLease, createQueue, dialJobId, leaseMember, QUEUES } from '@dialer/queue';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';
import { DialerWorkerConfig } from '../src/config';
import { startService, type RunningService } from '../src/service';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio';

const HOOKS = 'http://hooks.example.test:3001';
const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'fake-auth-token';
/** Short, so that a slow provider turns into an ambiguous outcome quickly. */
const PROVIDER_TIMEOUT_MS = 400;

let ctx: TestContext;
let fake: FakeTwilio;
let svc: RunningService | undefined;
let dialQueue: Queue;
let finishedQueue: Queue;
let lease: ConcurrencyLease;
let cfg: Readonly<DialerWorkerConfig>;
const logLines: string[] = [];
const phonesUsed: string[] = [];

interface Seed {
  tenantId: string;
  campaignId: string;
  leadId: string;
  connectionId: string;
  phone: string;
}

interface SeedOptions {
  campaignStatus?: string;
  maxConcurrentCalls?: number;
  callingWindow?: Record<string, unknown>;
  timezones?: string[];
  withoutProvider?: boolean;
  phone?: string;
  maxCallsPerNumber24h?: number | null;
  tenantId?: string;
}

/** An always-open window, in UTC. */
const ALL_DAY = { start: '00:00', end: '23:59', days: [1, 2, 3, 4, 5, 6, 7] };

/** UK mobile numbers: no rule pack applies, so the campaign's window alone decides (tests at any hour). */
function newPhone(): string {
  const phone = `+447911${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
  phonesUsed.push(phone);
  return phone;
}

/** A tenant with a Twilio connection pointed at the fake, a campaign and one lead queued for attempt 1. */
async function seed(opts: SeedOptions = {}): Promise<Seed> {
  const [t] = opts.tenantId ? [{ id: opts.tenantId }] : await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('acme') RETURNING id`);
  const [conn] = await ctx.ds.query(
    `INSERT INTO provider_connections (tenant_id, name, type, base_url, config, secrets_sealed)
     VALUES ($1, 'sim', 'twilio', $2, $3::jsonb, $4) RETURNING id`,
    [t.id, fake.url, JSON.stringify({ accountSid: ACCOUNT_SID, fromNumber: '+15005550006' }),
      encryptSecret(JSON.stringify({ authToken: AUTH_TOKEN }), secretsKey(cfg))]);
  const [c] = await ctx.ds.query(
    `INSERT INTO campaigns (tenant_id, name, status, provider_connection_id, default_timezone, max_concurrent_calls, calling_window, max_calls_per_number_24h)
     VALUES ($1, 'spring', $2, $3, 'UTC', $4, $5::jsonb, $6) RETURNING id`,
    [t.id, opts.campaignStatus ?? 'running', opts.withoutProvider ? null : conn.id, opts.maxConcurrentCalls ?? 5, JSON.stringify(opts.callingWindow ?? ALL_DAY),
      opts.maxCallsPerNumber24h ?? null]);
  const phone = opts.phone ?? newPhone();
  if (opts.phone) phonesUsed.push(opts.phone);
  const [l] = await ctx.ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, first_name, timezones, custom, status, attempts)
     VALUES ($1, $2, $3, 'Ada', $4::text[], '{"plan":"gold"}', 'queued', 0) RETURNING id`,
    [t.id, c.id, phone, opts.timezones ?? ['UTC']]);
  return { tenantId: t.id, campaignId: c.id, leadId: l.id, connectionId: conn.id, phone };
}

function payload(s: Seed, attemptNo = 1) {
  return { tenantId: s.tenantId, campaignId: s.campaignId, leadId: s.leadId, attemptNo };
}

async function addDial(s: Seed, opts: { jobId?: string } = {}) {
  return dialQueue.add(QUEUES.dial.name, payload(s), { jobId: opts.jobId ?? dialJobId(s.leadId, 1) });
}

async function finished(jobId: string, state: 'completed' | 'failed' = 'completed') {
  await eventually(async () => (await dialQueue.getJobState(jobId)) === state, { what: `dial job ${jobId} ${state}` });
  // Read the job after it finished, so its return value and failure reason are there.
  const job = await dialQueue.getJob(jobId);
  if (!job) throw new Error(`dial job ${jobId} vanished`);
  return job;
}

async function leadRow(id: string) {
  const [row] = await ctx.ds.query(
    `SELECT status, attempts, disposition, next_attempt_at, last_attempt_at FROM leads WHERE id = $1`, [id]);
  return row as { status: string; attempts: number; disposition: string | null; next_attempt_at: Date; last_attempt_at: Date | null };
}

async function attemptRows(leadId: string) {
  return ctx.ds.query(
    `SELECT id, attempt_no, status, outcome, raw_status, error, provider_call_id, dialed_at FROM call_attempts
      WHERE lead_id = $1 ORDER BY attempt_no`, [leadId]) as Promise<Array<{
    id: string; attempt_no: number; status: string; outcome: string | null; raw_status: string | null; error: string | null;
    provider_call_id: string | null; dialed_at: Date | null;
  }>>;
}

async function stats(campaignId: string) {
  // Attempts, done leads and dispositions come from the lead counters; DNC suppressions from campaign_stats.
  const [c] = await ctx.ds.query(`SELECT tenant_id FROM campaigns WHERE id = $1`, [campaignId]);
  const leads = await readLeadCounts(ctx.ds, c.tenant_id, campaignId);
  const [row] = await ctx.ds.query(`SELECT dnc_suppressed::int FROM campaign_stats WHERE campaign_id = $1`, [campaignId]);
  return { attempts: leads.attempts, leads_done: leads.done, dnc_suppressed: (row?.dnc_suppressed ?? 0) as number, dispositions: leads.dispositions };
}

beforeAll(async () => {
  ctx = await createTestContext('dialer');
  fake = await startFakeTwilio();
  cfg = loadConfig(DialerWorkerConfig, {
    ...ctx.env, DIALER_WORKER_PORT: '0', WEBHOOK_PUBLIC_URL: HOOKS, PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
  });
  const logger = createLogger({
    service: 'dialer-worker',
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(chunk.toString('utf8'));
        cb();
      },
    }),
  });
  svc = await startService(cfg, logger);
  dialQueue = createQueue('dial', ctx.redis, ctx.queuePrefix);
  finishedQueue = createQueue('callFinished', ctx.redis, ctx.queuePrefix);
  lease = new ConcurrencyLease(ctx.redis, ctx.queuePrefix);
});

afterAll(async () => {
  await svc?.stop();
  await dialQueue?.close();
  await finishedQueue?.close();
  await fake?.close();
  await ctx?.close();
});

describe('dialer-worker', () => {
  it('when a queued lead\'s job is processed, then the provider is called once and the attempt, lead, lease and stats record it', async () => {
    const s = await seed();
    // The same number on another tenant's DNC list does not concern this tenant.
    const [other] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('other') RETURNING id`);
    await ctx.ds.query(`INSERT INTO dnc_entries (tenant_id, phone_e164) VALUES ($1, $2)`, [other.id, s.phone]);

    await addDial(s);
    const job = await finished(dialJobId(s.leadId, 1));
    expect(job.returnvalue).toMatchObject({ result: 'placed' });

    const attempts = await attemptRows(s.leadId);
    expect(attempts).toHaveLength(1);
    const attempt = attempts[0]!;
    expect(attempt).toMatchObject({ attempt_no: 1, status: 'queued' });
    expect(attempt.provider_call_id).toMatch(/^CA[0-9a-f]{32}$/);
    expect(attempt.dialed_at).not.toBeNull();

    const calls = fake.callsTo(s.phone);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.accountSid).toBe(ACCOUNT_SID);
    expect(calls[0]!.auth).toBe(`${ACCOUNT_SID}:${AUTH_TOKEN}`);
    expect(calls[0]!.body.StatusCallback).toBe(`${HOOKS}/v1/webhooks/twilio/${s.connectionId}?attemptId=${attempt.id}`);

    const lead = await leadRow(s.leadId);
    expect(lead).toMatchObject({ status: 'dialing', attempts: 1 });
    expect(lead.last_attempt_at).not.toBeNull();
    expect(await lease.held(s.campaignId)).toBe(1);
    expect(await lease.members(s.campaignId)).toEqual([leaseMember(s.leadId, 1)]);
    expect((await stats(s.campaignId)).attempts).toBe(1);
  });

  it('when the same attempt is delivered again (same job id, or another job for the same lead and attempt), then no second call is made', async () => {
    const s = await seed();
    await addDial(s);
    await finished(dialJobId(s.leadId, 1));
    expect(fake.callsTo(s.phone)).toHaveLength(1);

    await addDial(s); // same job id: BullMQ keeps the completed job, so this adds nothing
    await addDial(s, { jobId: 'redelivered-1' });
    const again = await finished('redelivered-1');
    expect(again.returnvalue).toMatchObject({ result: 'skipped_stale' });

    expect(fake.callsTo(s.phone)).toHaveLength(1);
    expect(await attemptRows(s.leadId)).toHaveLength(1);
    // The live call keeps its slot.
    expect(await lease.held(s.campaignId)).toBe(1);
    expect((await stats(s.campaignId)).attempts).toBe(1);
  });

  it('when two jobs for the same lead and attempt run at once, then exactly one call is made', async () => {
    const s = await seed();
    fake.behave(s.phone, { status: 201, delayMs: 150 });
    await dialQueue.addBulk([
      { name: QUEUES.dial.name, data: payload(s), opts: { jobId: 'twin-a' } },
      { name: QUEUES.dial.name, data: payload(s), opts: { jobId: 'twin-b' } },
    ]);
    const [a, b] = [await finished('twin-a'), await finished('twin-b')];
    expect([a.returnvalue.result, b.returnvalue.result].sort()).toEqual(['placed', 'skipped_stale']);
    expect(fake.callsTo(s.phone)).toHaveLength(1);
    expect(await attemptRows(s.leadId)).toHaveLength(1);
    expect(await lease.held(s.campaignId)).toBe(1);
  });

  it('when the campaign\'s slots are all held, then the job waits without calling, and is dialled once a slot is released', async () => {
    const s = await seed({ maxConcurrentCalls: 1 });
    expect(await lease.acquire(s.campaignId, 'someone-else#1', 1, 60_000)).toBe(true);

    await addDial(s);
    const jobId = dialJobId(s.leadId, 1);
    await eventually(async () => {
      return (await dialQueue.getJobState(jobId)) === 'delayed';
    }, { what: 'the job delayed for a slot' });
    expect(fake.callsTo(s.phone)).toHaveLength(0);
    expect(await leadRow(s.leadId)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await attemptRows(s.leadId)).toHaveLength(0);

    await lease.release(s.campaignId, 'someone-else#1');
    const job = await finished(jobId);
    expect(job.returnvalue).toMatchObject({ result: 'placed' });
    // Waiting for a slot is not a failed attempt: only the completing run counts.
    expect(job.attemptsMade).toBe(1);
    expect(job.attemptsStarted).toBeGreaterThan(1);
    expect(fake.callsTo(s.phone)).toHaveLength(1);
    expect(await lease.members(s.campaignId)).toEqual([leaseMember(s.leadId, 1)]);
  });

  it('when the connection\'s account limit is lowered below its live calls while the worker runs, then no new call starts until under it and none is cut', async () => {
    const s = await seed({ maxConcurrentCalls: 10 });
    await ctx.ds.query(`UPDATE provider_connections SET max_concurrent_calls = 3 WHERE id = $1`, [s.connectionId]);
    // Two live calls of another campaign on the same account (connection), and this lead's call: 3 of 3.
    const other = (n: number) => ({
      campaignId: `other-${s.campaignId}`, tenantId: s.tenantId, accountGroup: s.connectionId, member: `other#${n}`,
      campaignLimit: 10, tenantLimit: null, accountLimit: 3,
    });
    if (!(await lease.intact())) await lease.rebuild([], 60_000);
    for (const n of [1, 2]) expect(await lease.takeSlot(other(n), 60_000)).toEqual({ result: 'held' });
    await addDial(s);
    expect((await finished(dialJobId(s.leadId, 1))).returnvalue).toMatchObject({ result: 'placed' });

    // The PATCH lowers the limit to 1 (the worker has the campaign cached with 3).
    await ctx.ds.query(`UPDATE provider_connections SET max_concurrent_calls = 1 WHERE id = $1`, [s.connectionId]);
    const phone = newPhone();
    const [l] = await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, timezones, status, attempts) VALUES ($1, $2, $3, '{UTC}', 'queued', 0) RETURNING id`,
      [s.tenantId, s.campaignId, phone]);
    const next = { ...s, leadId: l.id as string, phone };
    const jobId = dialJobId(next.leadId, 1);
    await addDial(next);
    const starts = async () => (await dialQueue.getJob(jobId))?.attemptsStarted ?? 0;
    await eventually(async () => (await starts()) >= 2, { what: 'the job refused a slot' });
    // The documented bound: a running worker reads the new limit once its cached campaign expires.
    await new Promise((r) => setTimeout(r, cfg.CAMPAIGN_SETTINGS_TTL_MS + 100));

    // 1 live call left, limit 1: still no new call; the live ones were never cut.
    await lease.release(`other-${s.campaignId}`, 'other#1');
    await lease.release(`other-${s.campaignId}`, 'other#2');
    const before = await starts();
    await eventually(async () => (await starts()) >= before + 2, { what: 'the job refused again under the new limit' });
    expect(fake.callsTo(phone)).toHaveLength(0);
    expect(await lease.heldAt('connection', s.connectionId)).toBe(1);
    expect(await lease.members(s.campaignId)).toEqual([leaseMember(s.leadId, 1)]);

    // The live call ends: under the limit, the waiting lead is dialled.
    await lease.release(s.campaignId, leaseMember(s.leadId, 1));
    expect((await finished(jobId)).returnvalue).toMatchObject({ result: 'placed' });
    expect(fake.callsTo(phone)).toHaveLength(1);
    await lease.release(s.campaignId, leaseMember(next.leadId, 1));
  });

  it('when tenant A names tenant B\'s account key, then A\'s live calls do not use B\'s account budget (keys are per tenant)', async () => {
    const a = await seed();
    const b = await seed();
    await ctx.ds.query(`UPDATE provider_connections SET account_key = 'main', max_concurrent_calls = 5 WHERE id = $1`, [a.connectionId]);
    await ctx.ds.query(`UPDATE provider_connections SET account_key = 'main', max_concurrent_calls = 1 WHERE id = $1`, [b.connectionId]);
    await addDial(a);
    expect((await finished(dialJobId(a.leadId, 1))).returnvalue).toMatchObject({ result: 'placed' });
    // A's call is live; B's account of 1 slot is still free for B.
    await addDial(b);
    expect((await finished(dialJobId(b.leadId, 1))).returnvalue).toMatchObject({ result: 'placed' });
    expect(fake.callsTo(b.phone)).toHaveLength(1);
    await lease.release(a.campaignId, leaseMember(a.leadId, 1));
    await lease.release(b.campaignId, leaseMember(b.leadId, 1));
  });

  it('when the operator opens a shared account to two tenants, then their connections share its limit (the operator\'s), not their own', async () => {
    const a = await seed();
    const b = await seed();
    const key = `resell-${a.tenantId}`;
    expect(await upsertSharedAccount(ctx.ds, { key, type: 'twilio', maxConcurrentCalls: 2, reservedCalls: 1 })).toBe(true);
    for (const s of [a, b]) {
      expect(await grantSharedAccount(ctx.ds, key, s.tenantId)).toBe(true);
      await ctx.ds.query(`UPDATE provider_connections SET shared_account = $1 WHERE id = $2`, [key, s.connectionId]);
    }
    await addDial(a);
    expect((await finished(dialJobId(a.leadId, 1))).returnvalue).toMatchObject({ result: 'placed' });
    expect(await lease.heldAt('connection', `shared:${key}`)).toBe(1);
    // 2 − 1 reserved: A's live call takes the account's one campaign slot; B waits for it.
    await addDial(b);
    const jobId = dialJobId(b.leadId, 1);
    await eventually(async () => ((await dialQueue.getJob(jobId))?.attemptsStarted ?? 0) >= 2, { what: 'B refused a slot' });
    expect(fake.callsTo(b.phone)).toHaveLength(0);
    await lease.release(a.campaignId, leaseMember(a.leadId, 1));
    expect((await finished(jobId)).returnvalue).toMatchObject({ result: 'placed' });
    await lease.release(b.campaignId, leaseMember(b.leadId, 1));
  });

  it('when the campaign is paused, then the lead goes back to pending and nobody is called', async () => {
    const s = await seed({ campaignStatus: 'paused' });
    await addDial(s);
    const job = await finished(dialJobId(s.leadId, 1));
    expect(job.returnvalue).toMatchObject({ result: 'skipped_not_running' });
    expect(await leadRow(s.leadId)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(fake.callsTo(s.phone)).toHaveLength(0);
    expect(await attemptRows(s.leadId)).toHaveLength(0);
    expect(await lease.held(s.campaignId)).toBe(0);
  });

  it('when the calling window is closed in the callee\'s zone, then the lead is due again at the next opening and nobody is called', async () => {
    const todayUtc = new Date().getUTCDay() || 7; // ISO weekday, 1 = Monday
    const tomorrow = (todayUtc % 7) + 1;
    const s = await seed({ callingWindow: { start: '09:00', end: '17:00', days: [tomorrow] }, timezones: ['UTC'] });
    const before = Date.now();
    await addDial(s);
    const job = await finished(dialJobId(s.leadId, 1));
    expect(job.returnvalue).toMatchObject({ result: 'skipped_window' });

    const lead = await leadRow(s.leadId);
    expect(lead).toMatchObject({ status: 'pending', attempts: 0 });
    const next = new Date(lead.next_attempt_at);
    expect(next.getTime()).toBeGreaterThan(before);
    expect(next.getUTCHours()).toBe(9);
    expect(next.getUTCDay() || 7).toBe(tomorrow);
    expect(fake.callsTo(s.phone)).toHaveLength(0);
    expect(await attemptRows(s.leadId)).toHaveLength(0);
  });

  it('when the number was put on the DNC list after the lead was queued, then the lead ends as dnc and nobody is called', async () => {
    const s = await seed();
    await ctx.ds.query(`INSERT INTO dnc_entries (tenant_id, campaign_id, phone_e164) VALUES ($1, NULL, $2)`, [s.tenantId, s.phone]);
    await addDial(s);
    const job = await finished(dialJobId(s.leadId, 1));
    expect(job.returnvalue).toMatchObject({ result: 'skipped_dnc' });

    expect(await leadRow(s.leadId)).toMatchObject({ status: 'done', disposition: 'dnc', attempts: 0 });
    expect(await stats(s.campaignId)).toMatchObject({ attempts: 0, leads_done: 1, dnc_suppressed: 1, dispositions: { dnc: 1 } });
    expect(fake.callsTo(s.phone)).toHaveLength(0);
    expect(await attemptRows(s.leadId)).toHaveLength(0);
  });

  it('when a job comes moments before its callee\'s window opens, then it is delayed to the exact opening and the call is placed then, never before', async () => {
    // Wednesday 2026-03-04, window 10:00–12:00 in the callee's zone (UTC); the dialer's clock is set just before 10:00.
    const s = await seed({ callingWindow: { ranges: { 3: [{ start: '10:00', end: '12:00' }] } } });
    const opening = Date.parse('2026-03-04T10:00:00Z');
    clock.setClockOffset(opening - 4_000 - Date.now());
    try {
      await addDial(s);
      const jobId = dialJobId(s.leadId, 1);
      await eventually(async () => (await dialQueue.getJobState(jobId)) === 'delayed', { what: 'job delayed to the opening' });
      expect(fake.callsTo(s.phone)).toHaveLength(0);
      expect(await leadRow(s.leadId)).toMatchObject({ status: 'queued', attempts: 0 });
      const job = await finished(jobId);
      expect(job.returnvalue).toMatchObject({ result: 'placed' });
      expect(job.attemptsMade).toBe(1); // the wait spent none of the job's tries: only the run that dialled counts
      const calls = fake.callsTo(s.phone);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.at + clock.clockOffsetMs()).toBeGreaterThanOrEqual(opening);
    } finally {
      clock.setClockOffset(0);
    }
  });

  it('when a running campaign is paused, then the next job is not dialled even though the worker cached the campaign as running', async () => {
    const a = await seed();
    await addDial(a);
    expect((await finished(dialJobId(a.leadId, 1))).returnvalue).toMatchObject({ result: 'placed' });
    const [b] = await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, timezones, status) VALUES ($1, $2, $3, '{UTC}', 'queued') RETURNING id`,
      [a.tenantId, a.campaignId, newPhone()]);
    const bPhone = phonesUsed[phonesUsed.length - 1]!;
    await ctx.ds.query(`UPDATE campaigns SET status = 'paused' WHERE id = $1`, [a.campaignId]);
    await addDial({ ...a, leadId: b.id, phone: bPhone });
    expect((await finished(dialJobId(b.id, 1))).returnvalue).toMatchObject({ result: 'skipped_not_running' });
    expect(await leadRow(b.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(fake.callsTo(bPhone)).toHaveLength(0);
  });

  it('when the number had its campaign cap of calls in the last 24 hours (from another campaign), then the lead waits until the oldest leaves the window', async () => {
    const first = await seed({ maxCallsPerNumber24h: 1 });
    const other = await seed({ tenantId: first.tenantId, phone: first.phone });
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status, created_at)
       VALUES ($1, $2, $3, 1, 'twilio', 'completed', $4)`, [other.tenantId, other.campaignId, other.leadId, twoHoursAgo]);
    await addDial(first);
    const job = await finished(dialJobId(first.leadId, 1));
    expect(job.returnvalue).toMatchObject({ result: 'skipped_cap' });
    const lead = await leadRow(first.leadId);
    expect(lead).toMatchObject({ status: 'pending', attempts: 0 });
    expect(new Date(lead.next_attempt_at).getTime()).toBe(twoHoursAgo.getTime() + 24 * 3_600_000);
    expect(fake.callsTo(first.phone)).toHaveLength(0);
    expect(await attemptRows(first.leadId)).toHaveLength(0);
    expect(await lease.held(first.campaignId)).toBe(0);
  });

  it('when a Florida number had 3 calls in 24 hours, then its rule pack caps it even with no campaign cap; outside 08:00–20:00 local it waits for the opening', async () => {
    // 2026-03-04 15:00 UTC: inside Florida's 08:00–20:00 for a callee in UTC.
    const base = Date.parse('2026-03-04T15:00:00Z');
    clock.setClockOffset(base - Date.now());
    try {
      const phone = '+13055550142';
      const s = await seed({ phone });
      const other = await seed({ tenantId: s.tenantId, phone });
      const times = [-20, -10, -1].map((h) => new Date(base + h * 3_600_000));
      for (let i = 0; i < times.length; i++) {
        await ctx.ds.query(
          `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status, created_at)
           VALUES ($1, $2, $3, $4, 'twilio', 'busy', $5)`, [s.tenantId, other.campaignId, other.leadId, i + 1, times[i]]);
      }
      await addDial(s);
      expect((await finished(dialJobId(s.leadId, 1))).returnvalue).toMatchObject({ result: 'skipped_cap' });
      // Free again 24 h after the oldest call, i.e. 2026-03-04T19:00Z, inside the window.
      expect(new Date((await leadRow(s.leadId)).next_attempt_at).toISOString()).toBe('2026-03-04T19:00:00.000Z');
      expect(fake.callsTo(phone)).toHaveLength(0);

      // At 21:00 UTC Florida's floor (until 20:00) is closed, though the campaign's window is open all day.
      clock.setClockOffset(Date.parse('2026-03-04T21:00:00Z') - Date.now());
      const late = await seed({ phone: '+13055550143' });
      await addDial(late);
      expect((await finished(dialJobId(late.leadId, 1))).returnvalue).toMatchObject({ result: 'skipped_window' });
      expect(new Date((await leadRow(late.leadId)).next_attempt_at).toISOString()).toBe('2026-03-05T08:00:00.000Z');
    } finally {
      clock.setClockOffset(0);
    }
  });

  it('when the provider answers 429, then the attempt is undone and the job retried, and it dials once the provider accepts', async () => {
    const s = await seed();
    fake.behave(s.phone, { status: 429 });
    await addDial(s);
    const jobId = dialJobId(s.leadId, 1);

    // Read the database while the job waits for its retry (delayed, and still so afterwards).
    const between = await eventually(async () => {
      const job = await dialQueue.getJob(jobId);
      if (!job || (await job.getState()) !== 'delayed' || job.attemptsMade < 1) return undefined;
      const seen = {
        lead: await leadRow(s.leadId),
        attempts: await attemptRows(s.leadId),
        held: await lease.held(s.campaignId),
        stats: await stats(s.campaignId),
      };
      // Still delayed, and no run finished in between (a run would have counted a failed attempt).
      if ((await dialQueue.getJobState(jobId)) !== 'delayed') return undefined;
      const after = await dialQueue.getJob(jobId);
      return after?.attemptsMade === job.attemptsMade ? seen : undefined;
    }, { what: 'the job between retries', timeoutMs: 30_000, intervalMs: 50 });
    expect(between.lead).toMatchObject({ status: 'queued', attempts: 0 });
    expect(between.attempts).toHaveLength(0);
    expect(between.held).toBe(0);
    expect(between.stats.attempts).toBe(0);
    expect(fake.callsTo(s.phone).length).toBeGreaterThanOrEqual(3);

    fake.behave(s.phone, { status: 201 });
    const job = await finished(jobId);
    expect(job.returnvalue).toMatchObject({ result: 'placed' });
    expect(job.attemptsMade).toBeGreaterThanOrEqual(2); // at least one failed run before the completing one
    expect(fake.callsTo(s.phone).filter((r) => r.status === 201)).toHaveLength(1);
    const attempts = await attemptRows(s.leadId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.provider_call_id).not.toBeNull();
    expect(await leadRow(s.leadId)).toMatchObject({ status: 'dialing', attempts: 1 });
    expect((await stats(s.campaignId)).attempts).toBe(1);
    expect(await lease.held(s.campaignId)).toBe(1);
  });

  it('when the provider is still at capacity on the job\'s last try, then the lead goes back to pending with no attempt spent', async () => {
    const s = await seed();
    fake.behave(s.phone, { status: 429 });
    const jobId = dialJobId(s.leadId, 1);
    await dialQueue.add(QUEUES.dial.name, payload(s), { jobId, attempts: 1 });
    const job = await finished(jobId);
    expect(job.returnvalue).toMatchObject({ result: 'requeued' });
    const lead = await leadRow(s.leadId);
    expect(lead).toMatchObject({ status: 'pending', attempts: 0 });
    expect(new Date(lead.next_attempt_at).getTime()).toBeGreaterThan(Date.now());
    expect(await attemptRows(s.leadId)).toHaveLength(0);
    expect(await lease.held(s.campaignId)).toBe(0);
    expect((await stats(s.campaignId)).attempts).toBe(0);
  });

  it('when the provider refuses the call (400), then the attempt fails, the lead is settled, the slot is freed and the call is handed on as finished', async () => {
    const s = await seed();
    fake.behave(s.phone, { status: 400 });
    await addDial(s);
    const job = await finished(dialJobId(s.leadId, 1));
    expect(job.returnvalue).toMatchObject({ result: 'rejected' });
    expect(fake.callsTo(s.phone)).toHaveLength(1);

    const [attempt] = await attemptRows(s.leadId);
    expect(attempt).toMatchObject({ status: 'failed', outcome: 'failed', raw_status: 'rejected' });
    expect(attempt!.error).toMatch(/Twilio refused the request \(400\)/);
    expect(attempt!.error).not.toContain(s.phone);

    // decideAfterCall: 'failed' is retried (default policy) while attempts remain.
    const lead = await leadRow(s.leadId);
    expect(lead).toMatchObject({ status: 'pending', attempts: 1, disposition: 'failed' });
    expect(new Date(lead.next_attempt_at).getTime()).toBeGreaterThan(Date.now());
    expect(await lease.held(s.campaignId)).toBe(0);

    const handed = await finishedQueue.getJob(attempt!.id);
    expect(handed?.data).toEqual({ tenantId: s.tenantId, campaignId: s.campaignId, callAttemptId: attempt!.id });
    expect((await stats(s.campaignId)).attempts).toBe(1);
  });

  it('when the provider does not answer in time, then the attempt is left for reconciliation, its slot held, and never called again', async () => {
    const s = await seed();
    fake.behave(s.phone, { status: 201, delayMs: PROVIDER_TIMEOUT_MS * 3 });
    await addDial(s);
    const job = await finished(dialJobId(s.leadId, 1));
    expect(job.returnvalue).toMatchObject({ result: 'ambiguous' });
    expect(job.attemptsMade).toBe(1);

    const [attempt] = await attemptRows(s.leadId);
    expect(attempt).toMatchObject({ status: 'created', provider_call_id: null });
    expect(attempt!.error).toMatch(/^ambiguous: Twilio did not answer in time/);
    expect(await leadRow(s.leadId)).toMatchObject({ status: 'dialing', attempts: 1 });
    expect(await lease.members(s.campaignId)).toEqual([leaseMember(s.leadId, 1)]);
    expect(fake.callsTo(s.phone)).toHaveLength(1);
  });

  it('when the campaign has no provider connection, then the lead goes back to pending for later and nobody is called', async () => {
    const s = await seed({ withoutProvider: true });
    await addDial(s);
    const job = await finished(dialJobId(s.leadId, 1));
    expect(job.returnvalue).toMatchObject({ result: 'skipped_no_provider' });
    const lead = await leadRow(s.leadId);
    expect(lead).toMatchObject({ status: 'pending', attempts: 0 });
    expect(new Date(lead.next_attempt_at).getTime()).toBeGreaterThan(Date.now());
    expect(await attemptRows(s.leadId)).toHaveLength(0);
    expect(await lease.held(s.campaignId)).toBe(0);
    expect(logLines.join('')).toMatch(/the campaign has no provider connection/);
  });

  it('when a job\'s payload is invalid, then it fails at once without retries', async () => {
    const job = await dialQueue.add(QUEUES.dial.name, { tenantId: 'nope', leadId: 42, attemptNo: 0 }, { jobId: 'bad-payload' });
    const failed = await finished(job.id!, 'failed');
    expect(failed.failedReason).toMatch(/dial job payload is invalid/);
    expect(failed.failedReason).toMatch(/campaignId/);
    expect(failed.attemptsMade).toBe(1);
  });

  it('when /healthz and /metrics are asked, then they answer with status and dial counters', async () => {
    const health = await fetch(`http://127.0.0.1:${svc!.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const metrics = await (await fetch(`http://127.0.0.1:${svc!.port}/metrics`)).text();
    expect(metrics).toMatch(/dialer_dials_total\{result="placed",service="dialer-worker"\} [1-9]/);
    expect(metrics).toMatch(/dialer_dials_total\{result="skipped_dnc",service="dialer-worker"\} 1/);
    expect(metrics).toMatch(/dialer_lease_waits_total\{service="dialer-worker"\} [1-9]/);
    expect(metrics).toMatch(/dialer_provider_request_seconds_count\{service="dialer-worker"\} [1-9]/);
  });

  it('when the worker has handled all these jobs, then no phone number appears in its logs', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const text = logLines.join('');
    expect(text).toContain('[phone]'); // the 400's message named the number; it was masked
    for (const phone of phonesUsed) {
      expect(text).not.toContain(phone);
      expect(text).not.toContain(phone.slice(1));
    }
  });

  it('when the service stops while a call is being placed, then that job finishes first', async () => {
    const s = await seed();
    fake.behave(s.phone, { status: 201, delayMs: 250 });
    await addDial(s);
    await eventually(async () => fake.callsTo(s.phone).length === 1, { what: 'the provider request' });
    const running = svc!;
    svc = undefined;
    await running.stop();

    const job = await dialQueue.getJob(dialJobId(s.leadId, 1));
    expect(await job!.getState()).toBe('completed');
    const [attempt] = await attemptRows(s.leadId);
    expect(attempt!.provider_call_id).not.toBeNull();
  });
});
