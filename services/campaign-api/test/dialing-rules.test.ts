import { clock } from '@dialer/platform';
import { createCampaign, startApi, type Api } from './helpers';

describe('dialing rules: schedules, rule packs, preview, DNC, lifecycle', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('rules');
  });
  afterAll(async () => {
    clock.setClockOffset(0);
    await api?.close();
  });

  async function addLeads(id: string, leads: Array<Record<string, unknown>>): Promise<void> {
    const res = await api.http.post(`/v1/campaigns/${id}/leads`).set(api.auth()).send({ leads });
    expect(res.body.accepted).toBe(leads.length);
  }

  it('when a campaign is created with weekday ranges, holidays, weekends off, a rule pack and a number cap, then they are stored; the legacy form still means what it meant', async () => {
    const callingWindow = {
      ranges: { 1: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '24:00' }], 6: [{ start: '10:00', end: '14:00' }] },
      holidays: ['2026-12-25'], excludeWeekends: true, rulePack: 'IN',
    };
    const c = await createCampaign(api, { callingWindow, maxCallsPerNumber24h: 2 });
    expect(c.callingWindow).toEqual(callingWindow);
    expect(c.maxCallsPerNumber24h).toBe(2);
    const legacy = await createCampaign(api, { callingWindow: { start: '10:00', end: '18:00', days: [1, 2, 3] } });
    expect(legacy.callingWindow).toEqual({ start: '10:00', end: '18:00', days: [1, 2, 3] });
    expect(legacy.maxCallsPerNumber24h).toBeNull();

    const off = await api.http.patch(`/v1/campaigns/${c.id as string}`).set(api.auth()).send({ maxCallsPerNumber24h: null });
    expect(off.status).toBe(200);
    expect(off.body.maxCallsPerNumber24h).toBeNull();

    for (const bad of [
      { ranges: { 8: [{ start: '09:00', end: '10:00' }] } },
      { ranges: { 1: [{ start: '12:00', end: '09:00' }] } },
      { holidays: ['25/12/2026'] },
      { rulePack: 'MARS' },
    ]) {
      const res = await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'bad', callingWindow: bad });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('when a schedule preview is asked, then it tells hour by hour how many leads may be called and in which zones, within the campaign window and the legal floor', async () => {
    // Monday 2026-03-02. Window 07:00–22:00 every day; US numbers get the federal 08:00–21:00 floor.
    const c = await createCampaign(api, { defaultTimezone: 'America/New_York', callingWindow: { start: '07:00', end: '22:00' } });
    const id = c.id as string;
    await addLeads(id, [
      { phone: '+14155550101', timezone: 'America/New_York' },
      { phone: '+14155550102', timezone: 'America/New_York' },
      { phone: '+14155550103', timezone: 'America/Los_Angeles' },
      { phone: '+447911123456', timezone: 'Europe/London' }, // no pack: the campaign's 07:00–22:00
    ]);
    await api.ctx.ds.query(`UPDATE leads SET next_attempt_at = '2026-03-01T00:00:00Z' WHERE campaign_id = $1`, [id]);
    const res = await api.http.get(`/v1/campaigns/${id}/schedule-preview`).query({ from: '2026-03-02T00:00:00Z', days: 1 }).set(api.auth());
    expect(res.status).toBe(200);
    expect(res.body.hours).toHaveLength(24);
    const at = (h: number) => res.body.hours[h] as { start: string; callable: number; opening: number; byZone: Record<string, number> };
    expect(at(0).start).toBe('2026-03-02T00:00:00.000Z');
    // 07:00Z: London opens (07:00 GMT); New York is 02:00.
    expect(at(7)).toMatchObject({ callable: 1, opening: 1, byZone: { 'Europe/London': 1 } });
    // 13:00Z = 08:00 in New York (the federal floor, not the campaign's 07:00).
    expect(at(12).byZone['America/New_York']).toBeUndefined();
    expect(at(13)).toMatchObject({ callable: 3, opening: 2, byZone: { 'Europe/London': 1, 'America/New_York': 2 } });
    // 16:00Z = 08:00 in Los Angeles.
    expect(at(16)).toMatchObject({ callable: 4, opening: 1 });
    // 22:00Z: London closed (22:00); New York 17:00.
    expect(at(22).byZone).toEqual({ 'America/New_York': 2, 'America/Los_Angeles': 1 });
    // 02:00Z next day would be 21:00 New York: closed by the floor; hour 1 (20:00–21:00 NY) still open.
    expect(at(1).byZone['America/New_York']).toBe(2);
    expect(res.body.groups).toBe(3);

    const bad = await api.http.get(`/v1/campaigns/${id}/schedule-preview`).query({ days: 99 }).set(api.auth());
    expect(bad.status).toBe(400);
  });

  it('when numbers are imported into DNC from CSV, checked and removed, then each step answers what the list holds', async () => {
    const csv = 'name,phone\nA,+447911000001\nB,(415) 555-2671\nC,not a number\nD,+447911000001\n';
    const imp = await api.http.post('/v1/dnc/csv').set(api.auth()).set('Content-Type', 'text/csv').send(csv);
    expect(imp.status).toBe(200);
    expect(imp.body).toEqual({ rows: 4, added: 2, duplicates: 1, invalid: 1, errors: [{ row: 3, reason: expect.any(String) }] });
    const again = await api.http.post('/v1/dnc/csv').set(api.auth()).set('Content-Type', 'text/csv').send('+447911000001\n');
    expect(again.body).toMatchObject({ rows: 1, added: 0, duplicates: 1 });

    const c = await createCampaign(api);
    const campaignOnly = await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+447911000003', campaignId: c.id });
    expect(campaignOnly.status).toBe(201);

    const check = await api.http.post('/v1/dnc/check').set(api.auth()).send({ phones: ['+447911000001', '4155552671', '+447911000003', '+447911000009', 'x1'], campaignId: c.id });
    expect(check.status).toBe(200);
    expect(check.body.data).toEqual([
      { phone: '+447911000001', e164: '+447911000001', dnc: true, scopes: ['tenant'] },
      { phone: '4155552671', e164: '+14155552671', dnc: true, scopes: ['tenant'] },
      { phone: '+447911000003', e164: '+447911000003', dnc: true, scopes: ['campaign'] },
      { phone: '+447911000009', e164: '+447911000009', dnc: false, scopes: [] },
      { phone: 'x1', e164: null, dnc: false, scopes: [], reason: expect.any(String) },
    ]);

    expect((await api.http.delete('/v1/dnc').query({ phone: '+447911000001' }).set(api.auth())).status).toBe(204);
    expect((await api.http.delete('/v1/dnc').query({ phone: '+447911000001' }).set(api.auth())).status).toBe(404);
    const after = await api.http.post('/v1/dnc/check').set(api.auth()).send({ phones: ['+447911000001'] });
    expect(after.body.data[0].dnc).toBe(false);
  });

  it('when every lifecycle command is tried from each status, then allowed ones move it and the others answer 409 with the status and the allowed commands', async () => {
    const cmd = (id: string, c: string) => api.http.post(`/v1/campaigns/${id}/${c}`).set(api.auth());

    const a = (await createCampaign(api)).id as string;
    expect((await cmd(a, 'cancel')).body.status).toBe('cancelled');
    for (const c of ['start', 'schedule', 'pause', 'resume', 'stop', 'cancel']) {
      const res = await cmd(a, c);
      expect(res.status).toBe(409);
      expect(res.body.error.details).toEqual({ status: 'cancelled', allowed: [] });
    }

    const b = (await createCampaign(api)).id as string;
    const noStart = await cmd(b, 'schedule');
    expect(noStart.status).toBe(409);
    expect(noStart.body.error.code).toBe('schedule_required');
    await api.http.patch(`/v1/campaigns/${b}`).set(api.auth()).send({ scheduledStartAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await cmd(b, 'schedule')).body.status).toBe('scheduled');
    const resume = await cmd(b, 'resume');
    expect(resume.status).toBe(409);
    expect(resume.body.error.details).toEqual({ status: 'scheduled', allowed: ['start', 'cancel'] });
    expect((await cmd(b, 'cancel')).body.status).toBe('cancelled');

    const d = (await createCampaign(api)).id as string;
    await api.http.post(`/v1/campaigns/${d}/leads`).set(api.auth()).send({ leads: [{ phone: '+12125550150' }] }).expect(201);
    const started = await cmd(d, 'start');
    expect(started.body).toMatchObject({ status: 'running' });
    expect((await cmd(d, 'pause')).body.status).toBe('paused');
    const paused = await cmd(d, 'pause');
    expect(paused.body.error.details).toEqual({ status: 'paused', allowed: ['resume', 'stop'] });
    // Editing the window, concurrency and retries of a paused or running campaign is allowed and read by the next dial.
    const edit = await api.http.patch(`/v1/campaigns/${d}`).set(api.auth()).send({
      maxConcurrentCalls: 7, callingWindow: { start: '10:00', end: '16:00' }, retryPolicy: { busy: { enabled: false, delaySeconds: 0 } },
    });
    expect(edit.status).toBe(200);
    const [row] = await api.ctx.ds.query(`SELECT max_concurrent_calls, calling_window, retry_policy FROM campaigns WHERE id = $1`, [d]);
    expect(row).toMatchObject({ max_concurrent_calls: 7, calling_window: { start: '10:00', end: '16:00' }, retry_policy: { busy: { enabled: false } } });
    expect((await cmd(d, 'stop')).body.status).toBe('stopped');
    expect((await cmd(d, 'resume')).status).toBe(409);
  });
});
