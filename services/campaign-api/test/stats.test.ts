import http from 'node:http';
import { createApiKey } from '../src/tenants/api-keys';
import { createCampaign, startApi, type Api } from './helpers';

let api: Api;

beforeAll(async () => {
  api = await startApi('stats');
});

afterAll(async () => {
  await api?.close();
});

const channel = (campaignId: string) => `${api.ctx.queuePrefix}:campaign-events:${campaignId}`;

async function numsub(campaignId: string): Promise<number> {
  const r = (await api.ctx.redis.call('PUBSUB', 'NUMSUB', channel(campaignId))) as [string, number];
  return Number(r[1]);
}

interface Stream {
  events: Array<{ event: string; data: any }>;
  comments: number;
  /** The server ended the response. */
  ended: boolean;
  close(): void;
}

function openStream(campaignId: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const s: Stream = { events: [], comments: 0, ended: false, close: () => req.destroy() };
    const req = http.get(`${api.base}/v1/campaigns/${campaignId}/events`, { headers: api.auth() }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (chunk: string) => {
        buf += chunk;
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          if (block.startsWith(':')) s.comments += 1;
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) s.events.push({ event, data: JSON.parse(data) });
        }
      });
      res.on('end', () => {
        s.ended = true;
      });
      resolve(s);
    });
    req.on('error', () => undefined);
  });
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('campaign stats, time series, analytics, recount and live events', () => {
  test('when leads are added, then the stats come from the counters with every named figure and rate', async () => {
    const c = await createCampaign(api);
    const add = await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth())
      .send({ leads: [{ phone: '+12025550101' }, { phone: '+12025550102' }, { phone: '+12025550103' }] });
    expect(add.status).toBe(201);
    const res = await api.http.get(`/v1/campaigns/${c.id as string}/stats`).set(api.auth());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      totalLeads: 3, leads: { pending: 3, queued: 0, dialing: 0, done: 0 }, live: 0, completed: 0, connected: 0,
      voicemail: 0, busy: 0, noAnswer: 0, failed: 0, dncSuppressed: 0, invalid: 0, exhausted: 0, qualified: 0, attempts: 0,
      talkSeconds: 0, averageDurationSeconds: 0, rates: { connect: 0, success: 0, qualification: 0 }, estimatedCompletionAt: null,
    });
  });

  test('when calls are bucketed, then the time series fills every minute and analytics group them by campaign, outcome, hour and local hour', async () => {
    const c = await createCampaign(api, { name: 'series' });
    const id = c.id as string;
    const { tenantId } = api.tenant;
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
    await api.ctx.ds.query(
      `INSERT INTO campaign_stat_buckets (campaign_id, tenant_id, granularity, bucket_start, dials, calls_ended, connected, busy, talk_seconds)
       VALUES ($1, $2, 'minute', $3, 4, 3, 2, 1, 90), ($1, $2, 'hour', date_trunc('hour', $3::timestamptz, 'UTC'), 4, 3, 2, 1, 90)`,
      [id, tenantId, at]);
    const series = await api.http.get(`/v1/campaigns/${id}/stats/timeseries`).query({ granularity: 'minute' }).set(api.auth());
    expect(series.status).toBe(200);
    expect(series.body.points).toHaveLength(60);
    const point = series.body.points.find((p: { at: string }) => Date.parse(p.at) === at.getTime());
    expect(point).toMatchObject({ dials: 4, callsEnded: 3, connected: 2, busy: 1, talkSeconds: 90, averageDurationSeconds: 30, connectRate: 0.6667 });

    const byCampaign = await api.http.get('/v1/analytics').query({ groupBy: 'campaign' }).set(api.auth());
    expect(byCampaign.status).toBe(200);
    expect(byCampaign.body.rows).toEqual([expect.objectContaining({ key: id, name: 'series', dials: 4, connected: 2 })]);
    const byOutcome = await api.http.get('/v1/analytics').query({ groupBy: 'outcome' }).set(api.auth());
    expect(byOutcome.body.outcomes).toEqual(expect.arrayContaining([{ outcome: 'answered', calls: 2 }, { outcome: 'busy', calls: 1 }]));
    const byHour = await api.http.get('/v1/analytics').query({ groupBy: 'hour', tz: 'UTC' }).set(api.auth());
    expect(byHour.body.rows).toEqual([expect.objectContaining({ key: at.getUTCHours(), callsEnded: 3 })]);
    const local = await api.http.get('/v1/analytics').query({ groupBy: 'localHour' }).set(api.auth());
    expect(local.status).toBe(200);
    const bad = await api.http.get('/v1/analytics').query({ groupBy: 'weather' }).set(api.auth());
    expect(bad.status).toBe(400);
  });

  test('when an admin asks for a recount, then it matches the counters, and it names a counter that drifted; a viewer may not ask', async () => {
    const c = await createCampaign(api, { name: 'recount' });
    const id = c.id as string;
    await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+12025550111' }, { phone: '+12025550112' }] });
    const ok = await api.http.post(`/v1/campaigns/${id}/stats/recount`).set(api.auth());
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ campaignId: id, consistent: true, differences: [], unfoldedCalls: 0 });

    await api.ctx.ds.query(`UPDATE campaign_stats SET connected = connected + 1 WHERE campaign_id = $1`, [id]);
    const drift = await api.http.post(`/v1/campaigns/${id}/stats/recount`).set(api.auth());
    expect(drift.body.consistent).toBe(false);
    expect(drift.body.differences).toEqual([{ field: 'stats.connected', counter: 1, recount: 0 }]);

    const viewer = await createApiKey(api.ctx.ds.manager, api.tenant.tenantId, 'viewer');
    const denied = await api.http.post(`/v1/campaigns/${id}/stats/recount`).set(api.auth(viewer.apiKey));
    expect(denied.status).toBe(403);
  });

  test('when a watched campaign reaches a final status, then the stream sends an end event and ends; a finished campaign\'s stream ends at once', async () => {
    const c = await createCampaign(api, { name: 'ends' });
    const id = c.id as string;
    await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+12025550131' }] });
    expect((await api.http.post(`/v1/campaigns/${id}/start`).set(api.auth())).status).toBe(200);
    const stream = await openStream(id);
    await until(() => stream.events.some((e) => e.event === 'stats'), 'the initial stats');
    expect((await api.http.post(`/v1/campaigns/${id}/stop`).set(api.auth())).status).toBe(200);
    await until(() => stream.ended, 'the end of the stream');
    expect(stream.events[stream.events.length - 1]).toEqual({ event: 'end', data: { campaignId: id, status: 'stopped' } });

    const again = await openStream(id);
    await until(() => again.ended, 'the end of a finished campaign\'s stream');
    expect(again.events.map((e) => e.event)).toEqual(['stats', 'end']);
  });

  test('when a client watches a campaign, then it gets the stats at once, coalesced updates and calls as they are published, and its subscription ends when it leaves', async () => {
    const c = await createCampaign(api, { name: 'live' });
    const id = c.id as string;
    const stream = await openStream(id);
    await until(() => stream.events.some((e) => e.event === 'stats'), 'the initial stats');
    expect(stream.events[0]).toMatchObject({ event: 'stats', data: { campaignId: id, totalLeads: 0 } });
    expect(await numsub(id)).toBe(1);

    await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+12025550121' }] });
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      await api.ctx.redis.publish(channel(id), JSON.stringify({
        type: 'call', call: { callAttemptId: `a${i}`, attemptNo: 1, outcome: 'busy', durationSeconds: null, endedAt: new Date().toISOString(), leadFinal: false },
      }));
    }
    await until(() => stream.events.filter((e) => e.event === 'calls').flatMap((e) => e.data.calls).length === 30, 'all 30 calls');
    await until(() => stream.events.some((e) => e.event === 'stats' && e.data.totalLeads === 1), 'stats with the new lead');
    const elapsed = Date.now() - started;
    // 30 messages were coalesced: at most one flush per 250 ms (plus the first).
    const flushes = stream.events.filter((e) => e.event === 'stats').length - 1;
    expect(flushes).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 1);
    expect(flushes).toBeLessThan(30);

    stream.close();
    await until(async () => (await numsub(id)) === 0, 'the unsubscription');
  });

  test('when the campaign belongs to another tenant, then its event stream answers 404', async () => {
    const res = await api.http.get('/v1/campaigns/00000000-0000-4000-8000-000000000000/events').set(api.auth());
    expect(res.status).toBe(404);
  });
});

describe('dialing state: why nothing is being called', () => {
  it('when a running campaign waits for the callee\'s calling hours, then the stats say so in data and in words', async () => {
    // A window open only on a weekday that is not today in Los Angeles: closed now, whatever the hour.
    const today = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', weekday: 'short' }).format(new Date());
    const laWeekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(today) + 1;
    const otherDay = (laWeekday % 7) + 1;
    const c = await createCampaign(api, { name: 'night', callingWindow: { start: '09:00', end: '17:00', days: [otherDay] }, defaultTimezone: 'America/Los_Angeles' });
    const id = c.id as string;
    expect((await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+12135550101' }, { phone: '+12135550102' }] })).status).toBe(201);
    const draft = await api.http.get(`/v1/campaigns/${id}/stats`).set(api.auth());
    expect(draft.body.dialing).toMatchObject({ state: 'not_started', nextCallableAt: null });

    // Running, with the leads moved to the window's opening, as the feeder does.
    const opening = new Date(Date.now() + 26 * 3_600_000);
    await api.ctx.ds.query(`UPDATE campaigns SET status = 'running', started_at = now() WHERE id = $1`, [id]);
    await api.ctx.ds.query(`UPDATE leads SET next_attempt_at = $2 WHERE campaign_id = $1`, [id, opening]);
    const waiting = await api.http.get(`/v1/campaigns/${id}/stats`).set(api.auth());
    expect(waiting.body.dialing).toMatchObject({ state: 'waiting_for_window', nextCallableAt: opening.toISOString(), nextCallableLeads: 2 });
    expect(waiting.body.dialing.message).toMatch(/^Waiting for calling hours: next leads callable at .*America\/Los_Angeles .*UTC\), 2 leads\.$/);

    // A lead due now: the campaign is calling.
    await api.ctx.ds.query(`UPDATE leads SET next_attempt_at = now() - interval '1 second' WHERE id = (SELECT id FROM leads WHERE campaign_id = $1 LIMIT 1)`, [id]);
    expect((await api.http.get(`/v1/campaigns/${id}/stats`).set(api.auth())).body.dialing.state).toBe('calling');
  });

  it('when every lead has ended but a Vapi call\'s post-call report is still awaited, then the campaign says it waits for it, until the report is in', async () => {
    const c = await createCampaign(api, { name: 'reports' });
    const id = c.id as string;
    expect((await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads: [{ phone: '+12135550103' }] })).status).toBe(201);
    await api.ctx.ds.query(`UPDATE campaigns SET status = 'running', started_at = now() WHERE id = $1`, [id]);
    await api.ctx.ds.query(`UPDATE leads SET status = 'done', disposition = 'answered', attempts = 1 WHERE campaign_id = $1`, [id]);
    const [lead] = await api.ctx.ds.query(`SELECT id, tenant_id FROM leads WHERE campaign_id = $1`, [id]);
    // Its call ended by Vapi's status-update "ended" a moment ago; the end-of-call-report has not come.
    await api.ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_call_id, status, outcome, dialed_at, ended_at)
       VALUES ($1, $2, $3, 1, 'vapi', 'vapi-call-reports', 'completed', 'answered', now() - interval '1 minute', now())`, [lead.tenant_id, id, lead.id]);
    const waiting = await api.http.get(`/v1/campaigns/${id}/stats`).set(api.auth());
    expect(waiting.body.status).toBe('running');
    expect(waiting.body.dialing).toMatchObject({ state: 'waiting_for_reports', nextCallableAt: null });
    expect(waiting.body.dialing.message).toMatch(/^Every lead has ended: waiting for the post-call reports of 1 call /);

    await api.ctx.ds.query(
      `INSERT INTO webhook_events (tenant_id, provider, event_key, provider_call_id, payload, applied_at)
       VALUES ($1, 'vapi', 'vapi-call-reports:end-of-call-report', 'vapi-call-reports', '{}', now())`, [lead.tenant_id]);
    expect((await api.http.get(`/v1/campaigns/${id}/stats`).set(api.auth())).body.dialing.state).toBe('no_leads_due');
  });
});
