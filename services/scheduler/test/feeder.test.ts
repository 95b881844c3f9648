import path from 'node:path';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { createDataSource, findCampaignsToFeed } from '@dialer/db';
import { dialJobId, slotFreedChannel, type DialJob } from '@dialer/queue';
import { clock } from '@dialer/platform';
import { eventually } from '@dialer/testing';
import { feedCampaigns } from '../src/feeder/feed-campaign';
import { createCampaign, startApi, type Api } from './helpers';

const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Weekday (1 = Monday) and HH:mm of an instant in a zone. */
function local(at: Date, zone: string): { weekday: number; hhmm: string } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(at);
  const get = (t: string): string => parts.find((p) => p.type === t)!.value;
  return { weekday: WEEKDAYS.indexOf(get('weekday')) + 1, hhmm: `${get('hour')}:${get('minute')}` };
}

/** A zone where a 00:00–23:59 window is open right now (local time is not 23:59 in it). */
function openZone(): string {
  for (const z of ['UTC', 'Asia/Tokyo', 'America/Chicago']) {
    if (!local(new Date(), z).hhmm.startsWith('23:5')) return z;
  }
  throw new Error('no open zone');
}

describe('feeder and scheduler tick', () => {
  let api: Api;
  let queue: Queue;

  beforeAll(async () => {
    api = await startApi('feeder', {
      FEEDER_INTERVAL_MS: '600000', FEEDER_ORPHAN_MS: '400', HOPPER_MIN: '4', HOPPER_FACTOR: '2',
    }, { captureLogs: true }); // jobs fail on purpose here: their warnings are checked, not printed
    queue = new Queue('dial', { connection: api.ctx.redis, prefix: api.ctx.queuePrefix });
  });
  afterAll(async () => {
    await queue?.close();
    await api?.close();
  });

  async function jobsOf(campaignId: string): Promise<Array<{ id: string; data: DialJob }>> {
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
    return jobs.filter((j) => j.data.campaignId === campaignId).map((j) => ({ id: j.id!, data: j.data as DialJob }));
  }

  async function leadsOf(campaignId: string): Promise<Array<{ id: string; status: string; next_attempt_at: Date; disposition: string | null; phone_e164: string }>> {
    return api.ctx.ds.query(`SELECT id, status, next_attempt_at, disposition, phone_e164 FROM leads WHERE campaign_id = $1 ORDER BY phone_e164`, [campaignId]);
  }

  async function runningCampaign(leadCount: number, body: Record<string, unknown> = {}): Promise<string> {
    const zone = openZone();
    const c = await createCampaign(api, { defaultTimezone: zone, callingWindow: { start: '00:00', end: '23:59', days: ALL_DAYS }, ...body });
    const id = c.id as string;
    if (leadCount) {
      // UK numbers: no rule pack applies, so the always-open campaign window alone decides (tests at any hour).
      const leads = Array.from({ length: leadCount }, (_, i) => ({ phone: `+4479111${String(10000 + i)}` }));
      const res = await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads });
      expect(res.body.accepted).toBe(leadCount);
    }
    expect((await api.http.post(`/v1/campaigns/${id}/start`).set(api.auth())).status).toBe(200);
    return id;
  }

  it('when a running campaign has more leads than its hopper, then exactly the hopper is queued with deterministic job ids, and a second tick adds none', async () => {
    const id = await runningCampaign(30, { maxConcurrentCalls: 3 });
    const small = await runningCampaign(2, { maxConcurrentCalls: 3 });
    const report = await api.feeder().requestFeed();
    expect(report.campaigns).toBeGreaterThanOrEqual(2);

    const jobs = await jobsOf(id);
    expect(jobs).toHaveLength(6); // max(HOPPER_MIN 4, 3 × 2)
    const leads = await leadsOf(id);
    const queued = leads.filter((l) => l.status === 'queued');
    expect(queued).toHaveLength(6);
    expect(jobs.map((j) => j.id).sort()).toEqual(queued.map((l) => dialJobId(l.id, 1)).sort());
    for (const j of jobs) expect(j.data).toEqual({ tenantId: api.tenant.tenantId, campaignId: id, leadId: j.data.leadId, attemptNo: 1 });
    expect(await jobsOf(small)).toHaveLength(2);

    const second = await api.feeder().requestFeed();
    expect(second.enqueued).toBe(0);
    expect(await jobsOf(id)).toHaveLength(6);
    expect((await leadsOf(id)).filter((l) => l.status === 'queued')).toHaveLength(6);

    const stats = await api.http.get(`/v1/campaigns/${id}/stats`).set(api.auth());
    expect(stats.body.leads).toEqual({ pending: 24, queued: 6, dialing: 0, done: 0 });
  });

  it('when a slot is freed, then the feeder refills that campaign at once', async () => {
    const id = await runningCampaign(12, { maxConcurrentCalls: 2 });
    await api.feeder().requestFeed();
    expect(await jobsOf(id)).toHaveLength(4);
    // Two queued leads were dialled and finished: the hopper has room for two more.
    const queued = (await leadsOf(id)).filter((l) => l.status === 'queued').slice(0, 2);
    await api.ctx.ds.query(`UPDATE leads SET status = 'done', disposition = 'answered', attempts = 1 WHERE id = ANY($1::uuid[])`, [queued.map((l) => l.id)]);
    await api.ctx.redis.publish(slotFreedChannel(api.ctx.queuePrefix), id);
    await eventually(async () => (await leadsOf(id)).filter((l) => l.status === 'queued').length === 4, { what: 'refill after slot freed' });
  });

  it('when a lead is outside its calling window, then it is not queued and waits for the next opening; with no opening ever, it ends no_window', async () => {
    const kiritimatiToday = local(new Date(), 'Pacific/Kiritimati').weekday; // UTC+14
    const c = await createCampaign(api, { defaultTimezone: 'Pacific/Kiritimati', callingWindow: { start: '00:00', end: '23:59', days: [kiritimatiToday] } });
    const id = c.id as string;
    await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({
      leads: [
        { phone: '+14155552001', timezone: 'Pacific/Pago_Pago' }, // UTC-11: a different weekday, so closed now
        { phone: '+14155552002' },
      ],
    });
    // Two candidate zones 25 hours apart never share an open moment of a one-weekday 09:00–23:59 window.
    await api.ctx.ds.query(`UPDATE campaigns SET calling_window = $2 WHERE id = $1`, [id, JSON.stringify({ start: '09:00', end: '23:59', days: [kiritimatiToday] })]);
    await api.ctx.ds.query(`UPDATE leads SET timezones = ARRAY['Pacific/Kiritimati','Pacific/Pago_Pago'] WHERE phone_e164 = '+14155552002' AND campaign_id = $1`, [id]);
    await api.http.post(`/v1/campaigns/${id}/start`).set(api.auth());
    const before = Date.now();
    await api.feeder().requestFeed();

    expect(await jobsOf(id)).toHaveLength(0);
    const [closed, never] = await leadsOf(id);
    expect(closed!.status).toBe('pending');
    expect(closed!.next_attempt_at.getTime()).toBeGreaterThan(before);
    expect(local(closed!.next_attempt_at, 'Pacific/Pago_Pago')).toEqual({ weekday: kiritimatiToday, hhmm: '09:00' });
    expect(never).toMatchObject({ status: 'done', disposition: 'no_window' });
    const stats = await api.http.get(`/v1/campaigns/${id}/stats`).set(api.auth());
    expect(stats.body.dispositions).toEqual({ no_window: 1 });
  });

  it('when Redis loses the queue, then orphan recovery re-adds the same jobs', async () => {
    const id = await runningCampaign(5, { maxConcurrentCalls: 10 });
    await api.feeder().requestFeed();
    const before = (await jobsOf(id)).map((j) => j.id).sort();
    expect(before).toHaveLength(5);

    const pattern = `${api.ctx.queuePrefix}:dial:*`.replace(/[{}[\]]/g, (ch) => `\\${ch}`);
    let cursor = '0';
    do {
      const [next, keys] = await api.ctx.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await api.ctx.redis.del(...keys);
    } while (cursor !== '0');
    expect(await jobsOf(id)).toHaveLength(0);

    await eventually(async () => (await jobsOf(id)).length === 5, { what: 'orphaned jobs re-added' });
    expect((await jobsOf(id)).map((j) => j.id).sort()).toEqual(before);
  });

  it('when a queued lead\'s dial job failed (a worker killed while holding it), then orphan recovery adds the job again', async () => {
    const id = await runningCampaign(1);
    await api.feeder().requestFeed();
    const [job] = await jobsOf(id);
    expect(job).toBeDefined();
    const url = new URL(api.ctx.redisUrl);
    const worker = new Worker('dial', async () => {
      throw new UnrecoverableError('job stalled more than allowable limit');
    }, { connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null }, prefix: api.ctx.queuePrefix });
    try {
      await eventually(async () => (await queue.getJobState(job!.id)) === 'failed', { what: 'job failed' });
    } finally {
      await worker.close();
    }
    expect((await leadsOf(id))[0]!.status).toBe('queued');
    // Orphan recovery (FEEDER_ORPHAN_MS) finds the lead queued with no live job and adds it again.
    // Waiting to run, with its hopper position as priority (BullMQ's 'prioritized').
    await eventually(async () => (await queue.getJobState(job!.id)) === 'prioritized', { what: 'failed job added again' });
    expect((await jobsOf(id)).map((j) => j.data.leadId)).toEqual([job!.data.leadId]);
    expect(api.logs).toContainEqual(expect.objectContaining({
      level: 'warn', jobId: job!.id, msg: 'dial job had failed for a lead still queued: adding it again',
    }));
  });

  it('when a lead comes back to pending without spending its attempt after its job completed, then the feeder queues the same job id again', async () => {
    const id = await runningCampaign(1);
    await api.feeder().requestFeed();
    const [job] = await jobsOf(id);
    expect(job).toBeDefined();
    const url = new URL(api.ctx.redisUrl);
    const worker = new Worker('dial', async () => 'skipped', {
      connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null },
      prefix: api.ctx.queuePrefix,
    });
    try {
      await eventually(async () => (await queue.getJobState(job!.id)) === 'completed', { what: 'job completed' });
    } finally {
      await worker.close();
    }
    // What the dialer-worker does for a paused campaign or a provider at capacity.
    await api.ctx.ds.query(`UPDATE leads SET status = 'pending', next_attempt_at = now() WHERE id = $1`, [job!.data.leadId]);
    await api.feeder().requestFeed();
    expect(await queue.getJobState(job!.id)).toBe('prioritized');
    expect((await leadsOf(id))[0]!.status).toBe('queued');
  });

  it('when the window opens later, then the feeder defers leads to the exact opening and queues them once the clock passes it', async () => {
    // Wednesday 2026-03-04 09:59:30 in UTC by the dialer's clock; the window opens at 10:00.
    clock.setClockOffset(Date.parse('2026-03-04T09:59:30Z') - Date.now());
    try {
      const c = await createCampaign(api, { defaultTimezone: 'UTC', callingWindow: { ranges: { 3: [{ start: '10:00', end: '11:00' }] } } });
      const id = c.id as string;
      const added = await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+447911123401' }, { phone: '+447911123402' }] });
      expect(added.body.accepted).toBe(2);
      // Leads are due "now" by the database clock, which is behind the dialer's: make them due by the dialer's.
      await api.ctx.ds.query(`UPDATE leads SET next_attempt_at = $2 WHERE campaign_id = $1`, [id, clock.now()]);
      expect((await api.http.post(`/v1/campaigns/${id}/start`).set(api.auth())).status).toBe(200);
      await api.feeder().requestFeed();
      let leads: Array<{ status: string; next_attempt_at: Date }> = await api.ctx.ds.query(`SELECT status, next_attempt_at FROM leads WHERE campaign_id = $1`, [id]);
      expect(leads.map((l) => [l.status, new Date(l.next_attempt_at).toISOString()])).toEqual([
        ['pending', '2026-03-04T10:00:00.000Z'], ['pending', '2026-03-04T10:00:00.000Z'],
      ]);

      clock.setClockOffset(Date.parse('2026-03-04T10:00:01Z') - Date.now());
      await api.feeder().requestFeed();
      leads = await api.ctx.ds.query(`SELECT status, next_attempt_at FROM leads WHERE campaign_id = $1`, [id]);
      expect(leads.map((l) => l.status)).toEqual(['queued', 'queued']);
    } finally {
      clock.setClockOffset(0);
    }
  });

  it('when a callback is asked for, then the feeder queues its lead at (not before) the callback time', async () => {
    clock.setClockOffset(Date.parse('2026-03-04T09:00:00Z') - Date.now());
    try {
      const c = await createCampaign(api, { defaultTimezone: 'UTC', callingWindow: { start: '00:00', end: '23:59', days: ALL_DAYS } });
      const id = c.id as string;
      expect((await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+447911123501' }] })).body.accepted).toBe(1);
      const [lead] = await leadsOf(id);
      const asked = await api.http.post(`/v1/leads/${lead!.id}/callback`).set(api.auth()).send({ callbackAt: '2026-03-04T09:30:00Z' });
      expect(asked.status).toBe(201);
      expect(asked.body).toMatchObject({ dueAt: '2026-03-04T09:30:00.000Z', moved: null });
      expect((await api.http.post(`/v1/campaigns/${id}/start`).set(api.auth())).status).toBe(200);

      for (const at of ['2026-03-04T09:00:05Z', '2026-03-04T09:29:59Z']) {
        clock.setClockOffset(Date.parse(at) - Date.now());
        await api.feeder().requestFeed();
        expect((await leadsOf(id)).map((l) => l.status)).toEqual(['pending']);
        expect(await jobsOf(id)).toEqual([]);
      }

      clock.setClockOffset(Date.parse('2026-03-04T09:30:01Z') - Date.now());
      await api.feeder().requestFeed();
      expect((await leadsOf(id)).map((l) => l.status)).toEqual(['queued']);
      expect((await jobsOf(id)).map((j) => j.id)).toEqual([dialJobId(lead!.id, 1)]);
    } finally {
      clock.setClockOffset(0);
    }
  });

  it('when a scheduled campaign reaches its start and then its end, then the scheduler starts it and later stops it', async () => {
    const c = await createCampaign(api, { scheduledStartAt: new Date(Date.now() - 1000).toISOString() });
    const id = c.id as string;
    await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155553001' }] });
    const sched = await api.http.post(`/v1/campaigns/${id}/schedule`).set(api.auth());
    expect(sched.status).toBe(200);
    await eventually(async () => (await api.http.get(`/v1/campaigns/${id}`).set(api.auth())).body.status === 'running', { what: 'scheduled start' });
    const patch = await api.http.patch(`/v1/campaigns/${id}`).set(api.auth()).send({ scheduledEndAt: new Date(Date.now() + 200).toISOString() });
    expect(patch.status).toBe(200);
    await eventually(async () => (await api.http.get(`/v1/campaigns/${id}`).set(api.auth())).body.status === 'stopped', { what: 'scheduled end' });
    const leads = await leadsOf(id);
    expect(leads.every((l) => l.status === 'done' && l.disposition === 'stopped')).toBe(true);
    const audit: Array<{ action: string; api_key_id: string | null }> = await api.ctx.ds.query(
      `SELECT action, api_key_id FROM audit_log WHERE entity_id = $1 ORDER BY id`, [id]);
    expect(audit.map((a) => a.action)).toEqual(['campaign.create', 'campaign.schedule', 'campaign.start', 'campaign.update', 'campaign.stop']);
    expect(audit[2]!.api_key_id).toBeNull();
  });
});

describe('dial order across campaigns', () => {
  let api: Api;
  let worker: Worker;
  let connection: ReturnType<Api['ctx']['redis']['duplicate']>;

  beforeAll(async () => {
    // No timer passes: each test decides when the feeder runs.
    api = await startApi('feeder-turns', { FEEDER_INTERVAL_MS: '600000', FEEDER_ORPHAN_MS: '600000', HOPPER_MIN: '4', HOPPER_FACTOR: '2' });
    // Takes jobs the way a dialer does, one at a time, without processing them.
    connection = api.ctx.redis.duplicate();
    worker = new Worker('dial', null, { connection, prefix: api.ctx.queuePrefix, autorun: false });
  });
  afterAll(async () => {
    await worker?.close();
    await connection?.quit();
    await api?.close();
  });

  async function started(leads: number, phoneBase: number): Promise<string> {
    const c = await createCampaign(api, {
      defaultTimezone: openZone(), callingWindow: { start: '00:00', end: '23:59', days: ALL_DAYS }, maxConcurrentCalls: 3,
    });
    const id = c.id as string;
    const list = Array.from({ length: leads }, (_, i) => ({ phone: `+4479111${String(phoneBase + i)}` }));
    expect((await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: list })).body.accepted).toBe(leads);
    expect((await api.http.post(`/v1/campaigns/${id}/start`).set(api.auth())).status).toBe(200);
    return id;
  }

  /** The campaigns of the next `n` jobs a dialer would take. */
  async function take(n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const job = await worker.getNextJob(`t${i}`, { block: false });
      if (!job) break;
      out.push((job.data as DialJob).campaignId);
    }
    return out;
  }

  it('when several campaigns fill their hoppers in one pass, then the dialers take their jobs in turns, one of each campaign, not one hopper after another', async () => {
    const ids = [await started(10, 20000), await started(10, 21000), await started(10, 22000)];
    const report = await api.feeder().requestFeed();
    expect(report.enqueued).toBe(18); // 3 campaigns × hopper max(4, 3 × 2)

    const order = await take(18);
    expect(order).toHaveLength(18);
    for (let turn = 0; turn < 6; turn++) {
      expect(order.slice(turn * 3, turn * 3 + 3).sort()).toEqual([...ids].sort());
    }
    expect(await take(1)).toEqual([]);
  });

  it('when a campaign starts while others have jobs waiting, then its first job is taken before their later ones', async () => {
    const early = [await started(10, 23000), await started(10, 24000)];
    await api.feeder().requestFeed();
    const first = await take(4); // turns 1 and 2 of the early campaigns
    expect(first.sort()).toEqual([...early, ...early].sort());

    const late = await started(10, 25000);
    await api.feeder().requestFeed();
    // Its positions 1 and 2 go before their position 3; from then on, turns of all three.
    expect(await take(2)).toEqual([late, late]);
    expect((await take(3)).sort()).toEqual([...early, late].sort());
  });

  it('when 20 campaigns are refilled together, then it takes no more statements than refilling one, and each gets its own hopper', async () => {
    // Statements are counted on the pg client (the real one, spied on) of a data source of the test's own.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pg = require(require.resolve('pg', { paths: [path.join(__dirname, '..', '..', '..', 'packages', 'db')] })) as typeof import('pg');
    const own = createDataSource({ url: api.ctx.databaseUrl, schema: api.ctx.schema, poolSize: 1, applicationName: 'feed-count' });
    await own.initialize();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 22; i++) ids.push(await started(8, 30000 + i * 100));
      const campaigns = await findCampaignsToFeed(own, ids, { hopperMin: 4, hopperFactor: 2 }, new Date());
      expect(campaigns).toHaveLength(22);
      const statements = async (batch: typeof campaigns): Promise<{ n: number; jobs: number[] }> => {
        const spy = jest.spyOn(pg.Client.prototype, 'query');
        try {
          const results = await feedCampaigns(own, batch, { hopperMin: 4, hopperFactor: 2 });
          const n = spy.mock.contexts.filter((c) => (c as { connectionParameters?: { application_name?: string } }).connectionParameters?.application_name === 'feed-count').length;
          return { n, jobs: batch.map((c) => results.get(c.id)!.jobs.length) };
        } finally {
          spy.mockRestore();
        }
      };
      await statements(campaigns.slice(0, 1)); // warms up
      const one = await statements(campaigns.slice(1, 2));
      const twenty = await statements(campaigns.slice(2));
      expect(one.n).toBeGreaterThan(0);
      expect(twenty.n).toBe(one.n);
      expect(twenty.jobs).toEqual(Array(20).fill(6)); // max(4, 3 × 2) each
      const [{ n }] = await api.ctx.ds.query(`SELECT count(*)::int AS n FROM leads WHERE campaign_id = ANY($1::uuid[]) AND status = 'queued'`, [ids]);
      expect(n).toBe(22 * 6);
    } finally {
      await own.destroy();
    }
  });
});
