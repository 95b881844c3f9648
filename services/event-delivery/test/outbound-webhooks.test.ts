import { Webhook } from 'standardwebhooks';
import { eventually, type SinkRequest } from '@dialer/testing';
import { startHarness, type Harness } from './helpers';

jest.setTimeout(60_000);

/** Verifies a received request with the standardwebhooks package (what a receiver runs); the parsed envelope. */
function verify(secret: string, r: SinkRequest): Record<string, any> {
  return new Webhook(secret).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  }) as Record<string, any>;
}

describe('outbound event webhooks: endpoints, outbox, signed delivery, retries, log, replay', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('outbound');
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.sink.received.length = 0;
    h.sink.answer = () => ({});
  });

  async function endpoint(body: Record<string, unknown>, path = '/hook'): Promise<{ id: string; secret: string }> {
    const res = await h.http.post('/v1/webhook-endpoints').set(h.auth()).send({ url: `${h.sink.url}${path}`, ...body });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, secret: res.body.secret as string };
  }

  async function draftCampaign(): Promise<string> {
    const res = await h.http.post('/v1/campaigns').set(h.auth()).send({ name: 'webhooks' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  const at = (path: string) => (r: SinkRequest) => r.path === path;

  it('when an endpoint is created, then its whsec_ secret is in that answer only, it is listed without it, and bad URLs or event types are refused', async () => {
    const created = await h.http.post('/v1/webhook-endpoints').set(h.auth()).send({ url: `${h.sink.url}/a`, eventTypes: ['call.ended'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const listed = await h.http.get('/v1/webhook-endpoints').set(h.auth());
    expect(listed.body.data.find((e: { id: string }) => e.id === created.body.id)).toMatchObject({ url: `${h.sink.url}/a`, enabled: true });
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    const [sealed] = await h.ctx.ds.query(`SELECT secret_sealed FROM webhook_endpoints WHERE id = $1`, [created.body.id]);
    expect(sealed.secret_sealed).toMatch(/^v1\./);
    expect(sealed.secret_sealed).not.toContain(created.body.secret.slice(6));

    const http = await h.http.post('/v1/webhook-endpoints').set(h.auth()).send({ url: 'http://crm.example.com/hook', eventTypes: ['call.ended'] });
    expect(http.status).toBe(400);
    expect(http.body.error.message).toMatch(/url must use https/);
    const type = await h.http.post('/v1/webhook-endpoints').set(h.auth()).send({ url: 'https://crm.example.com/hook', eventTypes: ['call.nope'] });
    expect(type.status).toBe(400);
    expect(type.body.error.message).toMatch(/eventTypes/);
    const count = await h.ctx.ds.query(`SELECT count(*)::int AS n FROM webhook_endpoints`);
    expect(count[0].n).toBe(1);
    await h.http.delete(`/v1/webhook-endpoints/${created.body.id}`).set(h.auth()).expect(204);
  });

  it('when a viewer or another tenant asks, then a viewer reads but cannot write, and another tenant sees nothing', async () => {
    const ep = await endpoint({ eventTypes: ['call.ended'] });
    const viewer = await h.http.post('/v1/api-keys').set(h.auth()).send({ name: 'v', role: 'viewer' });
    const v = h.auth(viewer.body.apiKey as string);
    expect((await h.http.get(`/v1/webhook-endpoints/${ep.id}`).set(v)).status).toBe(200);
    expect((await h.http.post('/v1/webhook-endpoints').set(v).send({ url: `${h.sink.url}/x`, eventTypes: ['call.ended'] })).status).toBe(403);
    expect((await h.http.post(`/v1/webhook-endpoints/${ep.id}/rotate-secret`).set(v)).status).toBe(403);
    const { createTenant } = await import('@dialer/campaign-api');
    const other = await createTenant(h.ctx.ds, 'other');
    expect((await h.http.get(`/v1/webhook-endpoints/${ep.id}`).set(h.auth(other.apiKey))).status).toBe(404);
    expect((await h.http.get(`/v1/webhook-endpoints/${ep.id}/deliveries`).set(h.auth(other.apiKey))).status).toBe(404);
    expect((await h.http.get('/v1/webhook-endpoints').set(h.auth(other.apiKey))).body.data).toEqual([]);
    await h.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).expect(204);
  });

  it('when a campaign changes status, then the event is delivered signed, verifies with standardwebhooks, and the delivery log shows it', async () => {
    const ep = await endpoint({ eventTypes: ['campaign.status_changed'] }, '/status');
    const campaignId = await draftCampaign();
    expect((await h.http.post(`/v1/campaigns/${campaignId}/cancel`).set(h.auth())).status).toBe(200);

    const got = await eventually(async () => h.sink.received.find(at('/status')), { what: 'the status event' });
    const env = verify(ep.secret, got);
    expect(env).toMatchObject({ type: 'campaign.status_changed', tenantId: h.tenant.tenantId, data: { campaignId, from: 'draft', to: 'cancelled', by: 'command', command: 'cancel' } });
    expect(got.headers['webhook-id']).toBe(env.id);
    expect(() => verify(`whsec_${Buffer.from('another secret of enough length').toString('base64')}`, got)).toThrow();
    expect(() => verify(ep.secret, { ...got, body: got.body.replace('cancelled', 'running') })).toThrow();

    const log = await eventually(async () => {
      const res = await h.http.get(`/v1/webhook-endpoints/${ep.id}/deliveries`).set(h.auth());
      return res.body.data[0]?.status === 'succeeded' ? res.body.data : undefined;
    }, { what: 'the delivery logged' });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ eventId: env.id, eventType: 'campaign.status_changed', attempts: 1, lastStatusCode: 200 });
    expect(log[0].recentAttempts).toEqual([expect.objectContaining({ attemptNo: 1, statusCode: 200, responseExcerpt: 'ok', error: null })]);
    await h.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).expect(204);
  });

  it('when no enabled endpoint wants an event, then no outbox row is written', async () => {
    const ep = await endpoint({ eventTypes: ['call.ended'] });
    const before = (await h.ctx.ds.query(`SELECT count(*)::int AS n FROM outbound_events`))[0].n as number;
    const campaignId = await draftCampaign();
    await h.http.post(`/v1/campaigns/${campaignId}/cancel`).set(h.auth()).expect(200);
    expect((await h.ctx.ds.query(`SELECT count(*)::int AS n FROM outbound_events`))[0].n).toBe(before);
    await h.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).expect(204);
  });

  it('when an endpoint filters by campaign, then it gets only that campaign\'s events', async () => {
    const [a, b] = [await draftCampaign(), await draftCampaign()];
    const ep = await endpoint({ eventTypes: ['campaign.status_changed'], campaignIds: [a] }, '/filtered');
    await h.http.post(`/v1/campaigns/${b}/cancel`).set(h.auth()).expect(200);
    await h.http.post(`/v1/campaigns/${a}/cancel`).set(h.auth()).expect(200);
    await eventually(async () => h.sink.received.some(at('/filtered')), { what: 'campaign a\'s event' });
    const rows = await h.ctx.ds.query(`SELECT payload FROM outbound_events WHERE campaign_id = $1`, [b]);
    expect(rows).toEqual([]);
    expect(h.sink.received.filter(at('/filtered')).map((r) => verify(ep.secret, r).data.campaignId)).toEqual([a]);
    await h.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).expect(204);
  });

  it('when the receiver fails first, then the delivery is retried with backoff and the log shows both tries; a large answer is cut and a redirect is not followed', async () => {
    const ep = await endpoint({ eventTypes: ['campaign.status_changed'] }, '/flaky');
    let n = 0;
    h.sink.answer = (r) => {
      if (r.path !== '/flaky') return {};
      n += 1;
      if (n === 1) return { status: 500, body: 'x'.repeat(10_000) };
      if (n === 2) return { status: 302, headers: { location: `${h.sink.url}/elsewhere` } };
      return {};
    };
    const campaignId = await draftCampaign();
    await h.http.post(`/v1/campaigns/${campaignId}/cancel`).set(h.auth()).expect(200);
    const log = await eventually(async () => {
      const res = await h.http.get(`/v1/webhook-endpoints/${ep.id}/deliveries`).set(h.auth());
      return res.body.data[0]?.status === 'succeeded' ? res.body.data[0] : undefined;
    }, { what: 'the delivery succeeds on its third try' });
    expect(log.attempts).toBe(3);
    const [first, second, third] = log.recentAttempts;
    expect(first).toMatchObject({ attemptNo: 1, statusCode: 500, error: 'answered 500' });
    expect(first.responseExcerpt.length).toBe(1024);
    expect(second).toMatchObject({ attemptNo: 2, statusCode: 302, error: 'redirect (302) not followed' });
    expect(third).toMatchObject({ attemptNo: 3, statusCode: 200 });
    expect(h.sink.received.filter(at('/elsewhere'))).toEqual([]);
    const ids = new Set(h.sink.received.filter(at('/flaky')).map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const [row] = await h.ctx.ds.query(`SELECT failing_since FROM webhook_endpoints WHERE id = $1`, [ep.id]);
    expect(row.failing_since).toBeNull();
    await h.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).expect(204);
  });

  it('when the secret is rotated, then deliveries carry two signatures and verify with the new and the old secret', async () => {
    const ep = await endpoint({ eventTypes: ['campaign.status_changed'] }, '/rotated');
    const rotated = await h.http.post(`/v1/webhook-endpoints/${ep.id}/rotate-secret`).set(h.auth());
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(ep.secret);
    expect(new Date(rotated.body.previousSecretExpiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    // The worker keeps an endpoint 2 s: a new campaign event after that is signed with both.
    await new Promise((r) => setTimeout(r, 2_100));
    const campaignId = await draftCampaign();
    await h.http.post(`/v1/campaigns/${campaignId}/cancel`).set(h.auth()).expect(200);
    const got = await eventually(async () => h.sink.received.find(at('/rotated')), { what: 'the delivery' });
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(rotated.body.secret, got).data.campaignId).toBe(campaignId);
    expect(verify(ep.secret, got).data.campaignId).toBe(campaignId);
    await h.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).expect(204);
  });

  it('when a test event is sent and then redelivered, then the endpoint receives it twice with the same webhook-id', async () => {
    const ep = await endpoint({ eventTypes: ['call.ended'] }, '/test');
    const test = await h.http.post(`/v1/webhook-endpoints/${ep.id}/test`).set(h.auth());
    expect(test.status).toBe(202);
    const first = await eventually(async () => h.sink.received.find(at('/test')), { what: 'the test event' });
    expect(verify(ep.secret, first)).toMatchObject({ id: test.body.eventId, type: 'webhook.test', data: { endpointId: ep.id } });
    await eventually(async () => (await h.http.get(`/v1/webhook-endpoints/${ep.id}/deliveries`).set(h.auth())).body.data[0]?.status === 'succeeded');
    const again = await h.http.post(`/v1/webhook-endpoints/${ep.id}/deliveries/${test.body.deliveryId}/redeliver`).set(h.auth());
    expect(again.status).toBe(202);
    await eventually(async () => h.sink.received.filter(at('/test')).length === 2, { what: 'the redelivery' });
    expect(new Set(h.sink.received.filter(at('/test')).map((r) => r.headers['webhook-id']))).toEqual(new Set([test.body.eventId]));
    const audit = await h.http.get('/v1/audit-log?limit=100').set(h.auth());
    expect(audit.body.data.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['webhook_endpoint.create', 'webhook_endpoint.redeliver']));
    await h.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).expect(204);
  });

  it('when deliveries were given up, then "redeliver since" sends them again', async () => {
    const ep = await endpoint({ eventTypes: ['campaign.status_changed'] }, '/replay');
    const campaignId = await draftCampaign();
    await h.http.post(`/v1/campaigns/${campaignId}/cancel`).set(h.auth()).expect(200);
    await eventually(async () => (await h.http.get(`/v1/webhook-endpoints/${ep.id}/deliveries`).set(h.auth())).body.data[0]?.status === 'succeeded');
    // As if it had failed for good: the replay takes failed deliveries only.
    await h.ctx.ds.query(`UPDATE webhook_deliveries SET status = 'failed' WHERE endpoint_id = $1`, [ep.id]);
    const res = await h.http.post(`/v1/webhook-endpoints/${ep.id}/redeliver`).set(h.auth()).send({ since: new Date(Date.now() - 60_000).toISOString() });
    expect(res.body).toEqual({ redelivered: 1 });
    await eventually(async () => h.sink.received.filter(at('/replay')).length === 2, { what: 'the replay' });
    await h.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).expect(204);
  });

  it('when an endpoint has failed for 3 days, then its next failure disables it with the reason shown and audited', async () => {
    const ep = await endpoint({ eventTypes: ['campaign.status_changed'] }, '/down');
    h.sink.answer = (r) => (r.path === '/down' ? { status: 503 } : {});
    await h.ctx.ds.query(`UPDATE webhook_endpoints SET failing_since = now() - interval '73 hours' WHERE id = $1`, [ep.id]);
    await new Promise((r) => setTimeout(r, 2_100)); // the worker's view of the endpoint (2 s) is renewed
    const campaignId = await draftCampaign();
    await h.http.post(`/v1/campaigns/${campaignId}/cancel`).set(h.auth()).expect(200);
    const shown = await eventually(async () => {
      const res = await h.http.get(`/v1/webhook-endpoints/${ep.id}`).set(h.auth());
      return res.body.enabled === false ? res.body : undefined;
    }, { what: 'the endpoint disabled' });
    expect(shown.disabledReason).toMatch(/every delivery failed for 3 days .*answered 503/);
    const audit = await h.http.get('/v1/audit-log?limit=100').set(h.auth());
    expect(audit.body.data.find((a: { action: string }) => a.action === 'webhook_endpoint.disable')).toMatchObject({ entityId: ep.id });
    // Enabling it again clears the reason and the streak.
    const enabled = await h.http.patch(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).send({ enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    await h.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).expect(204);
  });

  it('when an import ends, then import.completed is delivered with its counts', async () => {
    const ep = await endpoint({ eventTypes: ['import.completed', 'import.failed'] }, '/imports');
    const campaignId = await draftCampaign();
    const up = await h.http.post(`/v1/campaigns/${campaignId}/imports`).set(h.auth())
      .attach('file', Buffer.from('phone\n+14155552671\n+14155552672\nnot a phone\n'), { filename: 'leads.csv', contentType: 'text/csv' });
    expect(up.status).toBe(202);
    const got = await eventually(async () => h.sink.received.find(at('/imports')), { what: 'the import event' });
    expect(verify(ep.secret, got)).toMatchObject({
      type: 'import.completed', data: { importId: up.body.id, campaignId, rowsRead: 3, accepted: 2, rejected: 1, error: null },
    });
    await h.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).expect(204);
  });

  it('when a callback is asked for a lead and a person marks its call qualified, then lead.callback_scheduled and lead.qualified are delivered', async () => {
    const ep = await endpoint({ eventTypes: ['lead.callback_scheduled', 'lead.qualified'] }, '/leads');
    const campaignId = await draftCampaign();
    await h.http.post(`/v1/campaigns/${campaignId}/leads`).set(h.auth()).send({ leads: [{ phone: '+447911123456' }] }).expect(201);
    const [lead] = await h.ctx.ds.query(`SELECT id, tenant_id FROM leads WHERE campaign_id = $1`, [campaignId]);
    const cb = await h.http.post(`/v1/leads/${lead.id}/callback`).set(h.auth()).send({ callbackAt: '2030-01-02T10:00:00Z' });
    expect(cb.status).toBe(201);
    const [attempt] = await h.ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status, outcome, ended_at)
       VALUES ($1, $2, $3, 1, 'twilio', 'completed', 'answered', now()) RETURNING id`, [lead.tenant_id, campaignId, lead.id]);
    expect((await h.http.post(`/v1/call-attempts/${attempt.id}/disposition`).set(h.auth()).send({ disposition: 'interested', qualified: true })).status).toBe(200);
    await eventually(async () => h.sink.received.filter(at('/leads')).length === 2, { what: 'both lead events' });
    const events = h.sink.received.filter(at('/leads')).map((r) => verify(ep.secret, r)).sort((a, b) => a.type.localeCompare(b.type));
    expect(events).toEqual([
      expect.objectContaining({ type: 'lead.callback_scheduled', data: expect.objectContaining({ leadId: lead.id, campaignId, callbackId: cb.body.id, source: 'api' }) }),
      expect.objectContaining({ type: 'lead.qualified', data: expect.objectContaining({ leadId: lead.id, callAttemptId: attempt.id, by: 'disposition' }) }),
    ]);
    expect(JSON.stringify(events)).not.toContain('+447911123456');
    await h.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(h.auth()).expect(204);
  });
});
