import supertest from 'supertest';
import { loadConfig } from '@dialer/platform';
import { SchedulerConfig } from '../src/config';
import { createTenant } from '@dialer/campaign-api';
import { readLeadCounts } from '@dialer/db';
import { nextPurgeAt } from '../src/retention/retention-purger';
import { createCampaign, startApi, type Api } from './helpers';

const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number): Date => new Date(NOW.getTime() - d * 86_400_000);

describe('the retention purge (scheduler leader)', () => {
  let api: Api;

  beforeAll(async () => {
    // Batches of 2 rows, so every kind takes several statements.
    api = await startApi('retention', { RETENTION_PURGE_BATCH: '2' });
  });

  afterAll(async () => {
    await api?.close();
  });

  async function lead(campaignId: string, tenantId: string, o: { status: string; updatedAt: Date; phone: string }): Promise<string> {
    const [r] = await api.ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, disposition, updated_at, attempts)
       VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'done' THEN 'answered' END, $5, 1) RETURNING id`,
      [tenantId, campaignId, o.phone, o.status, o.updatedAt]);
    return r.id as string;
  }

  async function attempt(campaignId: string, tenantId: string, leadId: string, no: number, o: { createdAt: Date; ended: boolean; counted: boolean; data?: boolean }): Promise<string> {
    const [r] = await api.ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status, created_at, ended_at, counted_at, transcript, recording_url, analysis)
       VALUES ($1, $2, $3, $4, 'twilio', CASE WHEN $6 THEN 'completed' ELSE 'in-progress' END, $5,
               CASE WHEN $6 THEN $5::timestamptz END, CASE WHEN $7 THEN $5::timestamptz END,
               CASE WHEN $8 THEN 'hello' END, CASE WHEN $8 THEN 'https://rec.example/1.mp3' END, CASE WHEN $8 THEN '{"summary":"ok"}'::jsonb END)
       RETURNING id`,
      [tenantId, campaignId, leadId, no, o.createdAt, o.ended, o.counted, o.data ?? false]);
    return r.id as string;
  }

  async function event(tenantId: string, key: string, receivedAt: Date, applied: boolean): Promise<void> {
    await api.ctx.ds.query(
      `INSERT INTO webhook_events (tenant_id, provider, event_key, payload, received_at, applied_at) VALUES ($1, 'twilio', $2, '{}'::jsonb, $3, CASE WHEN $4 THEN $3::timestamptz END)`,
      [tenantId, key, receivedAt, applied]);
  }

  /** An outbound event with one delivery in the given state (relayed unless said otherwise). */
  async function outbound(tenantId: string, type: string, createdAt: Date, delivery: 'succeeded' | 'failed' | 'pending', relayed = true): Promise<void> {
    const [ep] = await api.ctx.ds.query(
      `INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret_sealed) VALUES ($1, 'https://crm.example.com/h', '{call.ended}', 'sealed') RETURNING id`, [tenantId]);
    const [ev] = await api.ctx.ds.query(
      `INSERT INTO outbound_events (tenant_id, type, payload, created_at, relayed_at) VALUES ($1, $2, '{"data":{"phone":"+14155552001"}}'::jsonb, $3, CASE WHEN $4 THEN $3::timestamptz END) RETURNING id`,
      [tenantId, type, createdAt, relayed]);
    await api.ctx.ds.query(`INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, status) VALUES ($1, $2, $3, $4)`, [tenantId, ep.id, ev.id, delivery]);
  }

  const ids = async (table: string, campaignId: string): Promise<string[]> =>
    (await api.ctx.ds.query(`SELECT id FROM ${table} WHERE campaign_id = $1 ORDER BY id`, [campaignId]) as Array<{ id: string }>).map((r) => r.id).sort();

  it('when a tenant sets retention days, then GET /v1/tenant shows them (null = forever) and bad values are refused', async () => {
    const t = await api.http.get('/v1/tenant').set(api.auth());
    expect(t.body.retention).toEqual({ callDataDays: null, attemptsDays: null, webhookEventsDays: null, endedLeadsDays: null });
    for (const bad of [0, -1, 36_501, 1.5, '30']) {
      const r = await api.http.patch('/v1/tenant').set(api.auth()).send({ retention: { attemptsDays: bad } });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toContain('retention.attemptsDays');
    }
    expect((await api.http.patch('/v1/tenant').set(api.auth()).send({})).status).toBe(400);
    expect((await api.http.patch('/v1/tenant').set(api.auth()).send({ retention: { nope: 3 } })).status).toBe(400);
    expect((await api.http.get('/v1/tenant').set(api.auth())).body.retention.attemptsDays).toBeNull();
  });

  it('when the purge runs, then only settled data older than each retention goes, in batches, stats stay, and each run is reported', async () => {
    const { ds } = api.ctx;
    const tenantId = api.tenant.tenantId;
    const set = await api.http.patch('/v1/tenant').set(api.auth()).send({
      retention: { callDataDays: 30, attemptsDays: 90, webhookEventsDays: 7, endedLeadsDays: 180 },
    });
    expect(set.status).toBe(200);
    expect(set.body.retention).toEqual({ callDataDays: 30, attemptsDays: 90, webhookEventsDays: 7, endedLeadsDays: 180 });
    expect(set.body.defaultCountry).toBe('US');

    const c = (await createCampaign(api)).id as string;
    // Ended long ago, its call settled: goes, with its attempt.
    const oldDone = await lead(c, tenantId, { status: 'done', updatedAt: daysAgo(200), phone: '+14155552001' });
    await attempt(c, tenantId, oldDone, 1, { createdAt: daysAgo(200), ended: true, counted: true });
    const oldDone2 = await lead(c, tenantId, { status: 'done', updatedAt: daysAgo(190), phone: '+14155552005' });
    await attempt(c, tenantId, oldDone2, 1, { createdAt: daysAgo(190), ended: true, counted: true });
    await lead(c, tenantId, { status: 'done', updatedAt: daysAgo(185), phone: '+14155552006' });
    // Ended long ago but its call is not folded into the stats yet: stays, with its attempt.
    const unsettled = await lead(c, tenantId, { status: 'done', updatedAt: daysAgo(200), phone: '+14155552002' });
    const unsettledAttempt = await attempt(c, tenantId, unsettled, 1, { createdAt: daysAgo(200), ended: true, counted: false });
    // Not ended (a retry is due): the lead stays; its old settled attempt goes.
    const open = await lead(c, tenantId, { status: 'pending', updatedAt: daysAgo(200), phone: '+14155552003' });
    await attempt(c, tenantId, open, 1, { createdAt: daysAgo(100), ended: true, counted: true });
    // Ended recently: the lead stays; attempts by age.
    const recent = await lead(c, tenantId, { status: 'done', updatedAt: daysAgo(10), phone: '+14155552004' });
    await attempt(c, tenantId, recent, 1, { createdAt: daysAgo(100), ended: true, counted: true });
    const scrubbed = await attempt(c, tenantId, recent, 2, { createdAt: daysAgo(40), ended: true, counted: true, data: true });
    const scrubbed2 = await attempt(c, tenantId, recent, 3, { createdAt: daysAgo(35), ended: true, counted: true, data: true });
    const live = await attempt(c, tenantId, recent, 4, { createdAt: daysAgo(40), ended: false, counted: false, data: true });
    const fresh = await attempt(c, tenantId, recent, 5, { createdAt: daysAgo(10), ended: true, counted: true, data: true });
    await event(tenantId, 'old-1', daysAgo(10), true);
    await event(tenantId, 'old-2', daysAgo(9), true);
    await event(tenantId, 'old-3', daysAgo(8), true);
    await event(tenantId, 'old-unapplied', daysAgo(10), false);
    await event(tenantId, 'new', daysAgo(1), true);
    // Outbound events, by the same setting: delivered (or failed for good) and old go with their delivery log.
    await outbound(tenantId, 'old delivered', daysAgo(10), 'succeeded');
    await outbound(tenantId, 'old failed', daysAgo(9), 'failed');
    await outbound(tenantId, 'old pending', daysAgo(10), 'pending');
    await outbound(tenantId, 'old unrelayed', daysAgo(10), 'pending', false);
    await outbound(tenantId, 'new delivered', daysAgo(1), 'succeeded');
    await ds.query(`INSERT INTO campaign_stats (campaign_id, tenant_id, calls_ended, connected, talk_seconds) VALUES ($1, $2, 9, 9, 300)
                    ON CONFLICT (campaign_id) DO UPDATE SET calls_ended = 9, connected = 9, talk_seconds = 300`, [c, tenantId]);

    // Another tenant with the same old data and no retention set: untouched.
    const other = await createTenant(ds, 'other tenant');
    const oc = (await createCampaign(api, {}, other.apiKey)).id as string;
    const otherLead = await lead(oc, other.tenantId, { status: 'done', updatedAt: daysAgo(400), phone: '+14155552001' });
    await attempt(oc, other.tenantId, otherLead, 1, { createdAt: daysAgo(400), ended: true, counted: true, data: true });
    await event(other.tenantId, 'other-old', daysAgo(400), true);
    await outbound(other.tenantId, 'other old', daysAgo(400), 'succeeded');

    const statsBefore = await ds.query(`SELECT * FROM campaign_stats WHERE campaign_id = $1`, [c]);
    const countsBefore = await readLeadCounts(ds, tenantId, c);
    const purger = api.scheduler.purger;
    expect(purger).not.toBeNull();
    const removed = await purger!.runOnce(NOW);
    expect(removed).toEqual({ ended_leads: 3, call_attempts: 4, call_data: 2, webhook_events: 3, outbound_events: 2 });

    expect(await ids('leads', c)).toEqual([unsettled, open, recent].sort());
    expect(await ids('call_attempts', c)).toEqual([unsettledAttempt, scrubbed, scrubbed2, live, fresh].sort());
    const data = await ds.query(`SELECT id, transcript IS NOT NULL AS t, recording_url IS NOT NULL AS r, analysis IS NOT NULL AS a FROM call_attempts WHERE id = ANY($1::uuid[])`,
      [[scrubbed, scrubbed2, live, fresh]]) as Array<{ id: string; t: boolean; r: boolean; a: boolean }>;
    const has = Object.fromEntries(data.map((d) => [d.id, [d.t, d.r, d.a]]));
    expect(has[scrubbed]).toEqual([false, false, false]);
    expect(has[scrubbed2]).toEqual([false, false, false]);
    expect(has[live]).toEqual([true, true, true]);
    expect(has[fresh]).toEqual([true, true, true]);
    const keys = (await ds.query(`SELECT event_key FROM webhook_events ORDER BY event_key`) as Array<{ event_key: string }>).map((r) => r.event_key);
    expect(keys).toEqual(['new', 'old-unapplied', 'other-old']);
    const outboundLeft = (await ds.query(`SELECT type FROM outbound_events ORDER BY type`) as Array<{ type: string }>).map((r) => r.type);
    expect(outboundLeft).toEqual(['new delivered', 'old pending', 'old unrelayed', 'other old']);
    expect((await ds.query(`SELECT count(*)::int AS n FROM webhook_deliveries`))[0].n).toBe(4); // the purged events' log went with them
    expect(await ids('leads', oc)).toEqual([otherLead]);
    expect(await ids('call_attempts', oc)).toHaveLength(1);

    // The call counters are folded: purging attempts leaves them; the lead counters follow the deleted leads.
    expect(await ds.query(`SELECT * FROM campaign_stats WHERE campaign_id = $1`, [c])).toEqual(statsBefore);
    const countsAfter = await readLeadCounts(ds, tenantId, c);
    expect(countsAfter.total).toBe(countsBefore.total - 3);
    expect(countsAfter.pending).toBe(countsBefore.pending);

    // A second run finds nothing more.
    expect(await purger!.runOnce(NOW)).toEqual({ ended_leads: 0, call_attempts: 0, call_data: 0, webhook_events: 0, outbound_events: 0 });

    // Each run is reported: readable by admins only, a counter per kind, and nothing for the other tenant.
    const runs = await api.http.get('/v1/tenant/purges').set(api.auth());
    expect(runs.status).toBe(200);
    expect(runs.body.data).toHaveLength(2);
    expect(runs.body.data.map((r: { removed: unknown }) => r.removed)).toContainEqual({ ended_leads: 3, call_attempts: 4, call_data: 2, webhook_events: 3, outbound_events: 2 });
    expect(runs.body.data[0].now).toBe(NOW.toISOString());
    expect((await api.http.get('/v1/tenant/purges').set(api.auth(other.apiKey))).body.data).toEqual([]);
    const viewer = await api.http.post('/v1/api-keys').set(api.auth()).send({ name: 'v', role: 'viewer' });
    expect((await api.http.get('/v1/tenant/purges').set(api.auth(viewer.body.apiKey as string))).status).toBe(403);
    expect((await api.http.patch('/v1/tenant').set(api.auth(viewer.body.apiKey as string)).send({ retention: { attemptsDays: 1 } })).status).toBe(403);
    const metrics = await supertest(`http://127.0.0.1:${api.scheduler.port}`).get('/metrics');
    expect(metrics.text).toContain('retention_purged_rows_total{kind="ended_leads",service="scheduler"} 3');
    expect(metrics.text).toContain('retention_purged_rows_total{kind="webhook_events",service="scheduler"} 3');
    expect(metrics.text).toContain('retention_purged_rows_total{kind="outbound_events",service="scheduler"} 2');
  });

  it('when the next run is computed, then it falls at the configured time of day and every interval after it', () => {
    const at = (iso: string): string => new Date(nextPurgeAt(Date.parse(iso), '03:30', 24)).toISOString();
    expect(at('2026-06-01T01:00:00Z')).toBe('2026-06-01T03:30:00.000Z');
    expect(at('2026-06-01T03:30:00Z')).toBe('2026-06-02T03:30:00.000Z');
    expect(at('2026-06-01T23:00:00Z')).toBe('2026-06-02T03:30:00.000Z');
    expect(new Date(nextPurgeAt(Date.parse('2026-06-01T04:00:00Z'), '03:30', 6)).toISOString()).toBe('2026-06-01T09:30:00.000Z');
    expect(new Date(nextPurgeAt(Date.parse('2026-06-01T01:00:00Z'), '03:30', 6)).toISOString()).toBe('2026-06-01T03:30:00.000Z');
  });

  it('when the purge time or interval is not valid, then the scheduler refuses to start with a clear message', () => {
    expect(loadConfig(SchedulerConfig, api.ctx.env)).toMatchObject({ RETENTION_PURGE_TIME_UTC: '03:30', RETENTION_PURGE_INTERVAL_HOURS: 24, RETENTION_PURGE_BATCH: 1000 });
    expect(() => loadConfig(SchedulerConfig, { ...api.ctx.env, RETENTION_PURGE_TIME_UTC: '25:00' })).toThrow(/RETENTION_PURGE_TIME_UTC must be HH:MM/);
    expect(() => loadConfig(SchedulerConfig, { ...api.ctx.env, RETENTION_PURGE_INTERVAL_HOURS: '-1' })).toThrow(/RETENTION_PURGE_INTERVAL_HOURS/);
  });
});
