import { localTimeIn } from '@dialer/domain';
import { createCampaign, startApi, type Api } from './helpers';

/** Scheduled callbacks: POST/DELETE /v1/leads/:id/callback, a disposition's callbackAt, GET /v1/campaigns/:id/callbacks. */
describe('scheduled callbacks', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('callbacks');
  });
  afterAll(async () => {
    await api?.close();
  });

  const LA = 'America/Los_Angeles';
  /** `hh:mm` in Los Angeles, `days` days from now, as ISO 8601 with its offset. */
  function laTime(days: number, hhmm: string): string {
    const day = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const offset = localTimeIn(new Date(`${day}T20:00:00Z`), LA)!.slice(-6);
    return `${day}T${hhmm}:00${offset}`;
  }

  async function addLead(campaignId: string, phone: string): Promise<string> {
    const res = await api.http.post(`/v1/campaigns/${campaignId}/leads`).set(api.auth()).send({ leads: [{ phone, firstName: 'Ada', timezone: LA }] });
    expect(res.body).toMatchObject({ accepted: 1 });
    const [row] = await api.ctx.ds.query(`SELECT id FROM leads WHERE campaign_id = $1 AND phone_e164 = $2`, [campaignId, phone]) as Array<{ id: string }>;
    return row!.id;
  }

  async function setLead(id: string, status: string, attempts: number, disposition: string | null = null): Promise<void> {
    await api.ctx.ds.query(`UPDATE leads SET status = $2, attempts = $3, disposition = $4 WHERE id = $1`, [id, status, attempts, disposition]);
  }

  async function leadRow(id: string): Promise<{ status: string; next_attempt_at: Date; disposition: string | null }> {
    const [row] = await api.ctx.ds.query(`SELECT status, next_attempt_at, disposition FROM leads WHERE id = $1`, [id]) as Array<{ status: string; next_attempt_at: Date; disposition: string | null }>;
    return row!;
  }

  async function actions(entityId: string): Promise<string[]> {
    const res = await api.http.get(`/v1/audit-log?entityId=${entityId}`).set(api.auth());
    return (res.body.data as Array<{ action: string }>).map((a) => a.action);
  }

  it('when a callback is asked for inside the window, then the lead is due then, its record and the campaign list show it, and it is audited', async () => {
    const c = await createCampaign(api, { name: 'cb inside' });
    const id = await addLead(c.id, '+14155554001');
    const at = laTime(10, '14:00');

    const res = await api.http.post(`/v1/leads/${id}/callback`).set(api.auth()).send({ callbackAt: at });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      leadId: id, campaignId: c.id, source: 'api', callAttemptId: null, moved: null, movedReason: null, status: 'pending',
      timezone: LA, localDueAt: at, requestedAt: new Date(at).toISOString(), dueAt: new Date(at).toISOString(),
    });
    expect((await leadRow(id)).next_attempt_at.toISOString()).toBe(new Date(at).toISOString());

    const record = await api.http.get(`/v1/leads/${id}`).set(api.auth());
    expect(record.body.callback).toMatchObject({ id: res.body.id, dueAt: new Date(at).toISOString(), localDueAt: at });

    const list = await api.http.get(`/v1/campaigns/${c.id}/callbacks`).set(api.auth());
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [expect.objectContaining({ id: res.body.id, leadName: 'Ada', leadStatus: 'pending', localDueAt: at })], nextCursor: null });
    expect(await actions(id)).toEqual(['lead.callback_requested']);

    // Ten days ahead is not "soon"; one due within 24 hours is counted by the dialing state.
    const soon = await addLead(c.id, '+14155554004');
    expect((await api.http.post(`/v1/leads/${soon}/callback`).set(api.auth()).send({ callbackAt: new Date(Date.now() - 60_000).toISOString() })).body)
      .toMatchObject({ moved: expect.stringMatching(/^(in_the_past|outside_window)$/) });
    const stats = await api.http.get(`/v1/campaigns/${c.id}/stats`).set(api.auth());
    expect(stats.body.dialing).toMatchObject({ state: 'not_started', callbacksDueSoon: 1 });
  });

  it('when the time asked for is outside the callee\'s window, then it moves to the next legal moment and says why', async () => {
    const c = await createCampaign(api, { name: 'cb moved', callingWindow: { start: '09:00', end: '20:00' } });
    const id = await addLead(c.id, '+14155554002');
    const res = await api.http.post(`/v1/leads/${id}/callback`).set(api.auth()).send({ callbackAt: laTime(10, '22:30') });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ moved: 'outside_window', localDueAt: laTime(11, '09:00') });
    expect(res.body.movedReason).toContain('outside the callee\'s calling window');
  });

  it('when a newer callback is asked for, then it replaces the pending one; cancelling restores the lead as it was', async () => {
    const c = await createCampaign(api, { name: 'cb cancel' });
    const id = await addLead(c.id, '+14155554003');
    await setLead(id, 'done', 1, 'answered');

    expect((await api.http.post(`/v1/leads/${id}/callback`).set(api.auth()).send({ callbackAt: laTime(3, '10:00') })).status).toBe(201);
    const second = await api.http.post(`/v1/leads/${id}/callback`).set(api.auth()).send({ callbackAt: laTime(4, '11:00') });
    expect(second.status).toBe(201);
    expect(await leadRow(id)).toMatchObject({ status: 'pending', next_attempt_at: new Date(laTime(4, '11:00')) });
    const list = await api.http.get(`/v1/campaigns/${c.id}/callbacks`).set(api.auth());
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([second.body.id]);

    expect((await api.http.delete(`/v1/leads/${id}/callback`).set(api.auth())).status).toBe(204);
    expect(await leadRow(id)).toMatchObject({ status: 'done', disposition: 'answered' });
    expect((await api.http.get(`/v1/campaigns/${c.id}/callbacks`).set(api.auth())).body.data).toEqual([]);
    expect((await api.http.get(`/v1/leads/${id}`).set(api.auth())).body.callback).toBeNull();
    expect((await api.http.delete(`/v1/leads/${id}/callback`).set(api.auth())).status).toBe(404);
    expect(await actions(id)).toEqual(['lead.callback_cancelled', 'lead.callback_requested', 'lead.callback_requested']); // newest first
  });

  it('when the lead is removed or its campaign stopped, then its pending callback is closed, not left pending', async () => {
    const c = await createCampaign(api, { name: 'cb ended' });
    const removed = await addLead(c.id, '+14155554011');
    const stopped = await addLead(c.id, '+14155554012');
    for (const id of [removed, stopped]) {
      expect((await api.http.post(`/v1/leads/${id}/callback`).set(api.auth()).send({ callbackAt: laTime(3, '10:00') })).status).toBe(201);
    }
    const pending = async (id: string) => ((await api.ctx.ds.query(
      `SELECT status FROM callbacks WHERE lead_id = $1 ORDER BY created_at`, [id])) as Array<{ status: string }>).map((r) => r.status);

    expect((await api.http.delete(`/v1/leads/${removed}`).set(api.auth())).status).toBe(204);
    expect(await pending(removed)).toEqual(['cancelled']);
    expect(await pending(stopped)).toEqual(['pending']);

    expect((await api.http.post(`/v1/campaigns/${c.id}/start`).set(api.auth())).status).toBe(200);
    expect((await api.http.post(`/v1/campaigns/${c.id}/stop`).set(api.auth())).status).toBe(200);
    expect(await pending(stopped)).toEqual(['cancelled']);
    expect(await leadRow(stopped)).toMatchObject({ status: 'done', disposition: 'stopped' });
  });

  it('when the lead cannot take a callback, then 409 says why and nothing changes', async () => {
    const c = await createCampaign(api, { name: 'cb refused', maxAttempts: 2 });
    const at = laTime(5, '12:00');
    const refusal = async (id: string): Promise<unknown> => {
      const res = await api.http.post(`/v1/leads/${id}/callback`).set(api.auth()).send({ callbackAt: at });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('callback_refused');
      return res.body.error.details.reason;
    };
    const capped = await addLead(c.id, '+14155554010');
    await setLead(capped, 'pending', 2);
    expect(await refusal(capped)).toBe('no_attempts_left');
    const dialing = await addLead(c.id, '+14155554011');
    await setLead(dialing, 'dialing', 1);
    expect(await refusal(dialing)).toBe('lead_in_call');
    expect((await api.http.delete(`/v1/leads/${dialing}/callback`).set(api.auth())).status).toBe(409);
    const optedOut = await addLead(c.id, '+14155554012');
    await setLead(optedOut, 'done', 1, 'opted_out');
    expect(await refusal(optedOut)).toBe('lead_not_callable');
    const dnc = await addLead(c.id, '+14155554013');
    expect((await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+14155554013', reason: 'asked' })).status).toBe(201);
    expect(await refusal(dnc)).toBe('dnc');

    expect(await actions(capped)).toEqual([]);
    expect((await api.http.get(`/v1/campaigns/${c.id}/callbacks`).set(api.auth())).body.data).toEqual([]);
  });

  it('when callbackAt has no offset or is not a time, then 400', async () => {
    const c = await createCampaign(api, { name: 'cb bad' });
    const id = await addLead(c.id, '+14155554020');
    for (const callbackAt of ['2026-03-03T17:30:00', 'tomorrow', 5]) {
      const res = await api.http.post(`/v1/leads/${id}/callback`).set(api.auth()).send({ callbackAt });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('when a person\'s disposition asks for a callback, then it is scheduled from that call; refused, the disposition is not written', async () => {
    const c = await createCampaign(api, { name: 'cb disposition', maxAttempts: 3 });
    const id = await addLead(c.id, '+14155554030');
    const [a] = await api.ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_call_id, status, outcome, dialed_at, ended_at, lead_final)
       VALUES ($1, $2, $3, 1, 'twilio', 'CA-cb-1', 'completed', 'answered', now() - interval '1 minute', now(), true) RETURNING id`,
      [api.tenant.tenantId, c.id, id]) as Array<{ id: string }>;
    await setLead(id, 'done', 1, 'answered');
    const at = laTime(2, '16:00');

    const res = await api.http.post(`/v1/call-attempts/${a!.id}/disposition`).set(api.auth()).send({ disposition: 'callback_requested', callbackAt: at });
    expect(res.status).toBe(200);
    const record = await api.http.get(`/v1/leads/${id}`).set(api.auth());
    expect(record.body).toMatchObject({ status: 'pending', callback: { source: 'disposition', callAttemptId: a!.id, localDueAt: at } });

    await setLead(id, 'done', 3, 'no_answer');
    const refused = await api.http.post(`/v1/call-attempts/${a!.id}/disposition`).set(api.auth()).send({ disposition: 'call_again', callbackAt: at });
    expect(refused.status).toBe(409);
    expect((await api.http.get(`/v1/call-attempts/${a!.id}`).set(api.auth())).body.manualDisposition.disposition).toBe('callback_requested');
  });
});
