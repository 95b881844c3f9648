import { createTenant } from '../src/tenants/create-tenant';
import { createCampaign, startApi, type Api } from './helpers';

let api: Api;

beforeAll(async () => {
  api = await startApi('caller-ids');
});
afterAll(async () => {
  await api?.close();
});

async function connection(body: Record<string, unknown> = {}): Promise<string> {
  const res = await api.http.post('/v1/provider-connections').set(api.auth()).send({
    name: 'sim', type: 'twilio', baseUrl: 'http://127.0.0.1:3010', accountSid: 'AC123', authToken: 'secret-token', fromNumber: '+14155550100', ...body,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('caller-id pools over the API', () => {
  test('when numbers are added to a connection\'s pool, then they are listed in number order with their settings, and the change is audited', async () => {
    const conn = await connection();
    const a = await api.http.post(`/v1/provider-connections/${conn}/caller-ids`).set(api.auth()).send({ number: '+14155550123', dailyCap: 100, cooldownSeconds: 20 });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ number: '+14155550123', dailyCap: 100, cooldownSeconds: 20, paused: false, isDefault: false, providerNumberId: null });
    await api.http.post(`/v1/provider-connections/${conn}/caller-ids`).set(api.auth()).send({ number: '+12125550100', isDefault: true }).expect(201);
    const pool = await api.http.get(`/v1/provider-connections/${conn}/caller-ids`).set(api.auth()).expect(200);
    expect(pool.body).toMatchObject({ owner: 'provider_connection', ownerId: conn, poolOnly: false });
    expect(pool.body.callerIds.map((c: { number: string }) => c.number)).toEqual(['+12125550100', '+14155550123']);
    const audit = await api.ctx.ds.query(`SELECT action FROM audit_log WHERE entity_id = $1`, [a.body.id]);
    expect(audit).toEqual([{ action: 'caller_id.add' }]);
  });

  test('when a number is paused, capped, made pool only and removed, then each change shows; removing twice is a 404', async () => {
    const campaign = await createCampaign(api);
    const base = `/v1/campaigns/${campaign.id}/caller-ids`;
    const added = await api.http.post(base).set(api.auth()).send({ number: '+14155550124' }).expect(201);
    const patched = await api.http.patch(`${base}/${added.body.id}`).set(api.auth()).send({ paused: true, dailyCap: 5 }).expect(200);
    expect(patched.body).toMatchObject({ paused: true, dailyCap: 5 });
    expect((await api.http.patch(base).set(api.auth()).send({ poolOnly: true }).expect(200)).body).toMatchObject({ owner: 'campaign', poolOnly: true });
    await api.http.delete(`${base}/${added.body.id}`).set(api.auth()).expect(204);
    await api.http.delete(`${base}/${added.body.id}`).set(api.auth()).expect(404);
    expect((await api.http.get(base).set(api.auth()).expect(200)).body).toMatchObject({ poolOnly: true, callerIds: [] });
  });

  test('when the input is bad, then a 400 names the field and nothing is stored; a repeat number is a 409', async () => {
    const conn = await connection();
    const base = `/v1/provider-connections/${conn}/caller-ids`;
    const bad = await api.http.post(base).set(api.auth()).send({ number: '4155550100', dailyCap: 0, cooldownSeconds: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['cooldownSeconds', 'dailyCap', 'number']);
    expect((await api.http.patch(base).set(api.auth()).send({ poolOnly: 'yes' })).status).toBe(400);
    expect((await api.http.get(`${base}/stats?days=0`).set(api.auth())).status).toBe(400);
    await api.http.post(base).set(api.auth()).send({ number: '+14155550125' }).expect(201);
    const dup = await api.http.post(base).set(api.auth()).send({ number: '+14155550125' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('duplicate_caller_id');
    expect((await api.http.get(base).set(api.auth())).body.callerIds).toHaveLength(1);
  });

  test('when the connection is Vapi, then a number needs its Vapi phoneNumberId', async () => {
    const res = await api.http.post('/v1/provider-connections').set(api.auth()).send({
      name: 'vapi', type: 'vapi', apiKey: 'vapi-private-key', assistantId: 'asst_1', phoneNumberId: 'pn_1',
    });
    expect(res.status).toBe(201);
    const base = `/v1/provider-connections/${res.body.id}/caller-ids`;
    const refused = await api.http.post(base).set(api.auth()).send({ number: '+14155550126' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].field).toBe('providerNumberId');
    await api.http.post(base).set(api.auth()).send({ number: '+14155550126', providerNumberId: 'pn_2' }).expect(201);
  });

  test('when another tenant or a viewer asks, then 404 or 403, and nothing changes', async () => {
    const conn = await connection();
    const other = await createTenant(api.ctx.ds, 'other');
    const base = `/v1/provider-connections/${conn}/caller-ids`;
    expect((await api.http.get(base).set(api.auth(other.apiKey))).status).toBe(404);
    expect((await api.http.post(base).set(api.auth(other.apiKey)).send({ number: '+14155550127' })).status).toBe(404);
    const viewer = await api.http.post('/v1/api-keys').set(api.auth()).send({ name: 'v', role: 'viewer' }).expect(201);
    expect((await api.http.post(base).set(api.auth(viewer.body.apiKey as string)).send({ number: '+14155550127' })).status).toBe(403);
    expect((await api.http.get(base).set(api.auth())).body.callerIds).toEqual([]);
  });
});

describe('stats by caller id and the spam-label flag', () => {
  test('when one number\'s last 20 calls went unanswered and another\'s were answered but short, then both are flagged with their reason; a healthy one is not', async () => {
    const campaign = await createCampaign(api);
    const base = `/v1/campaigns/${campaign.id}/caller-ids`;
    const numbers = ['+14155550131', '+14155550132', '+14155550133'];
    for (const number of numbers) await api.http.post(base).set(api.auth()).send({ number }).expect(201);
    const { tenantId } = api.tenant;
    const [lead] = await api.ctx.ds.query(`INSERT INTO leads (tenant_id, campaign_id, phone_e164) VALUES ($1, $2, '+12025550100') RETURNING id`, [tenantId, campaign.id]);
    let attemptNo = 0;
    const call = (callerId: string, outcome: string, seconds: number | null) => api.ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status, outcome, duration_seconds, ended_at, caller_id)
       VALUES ($1, $2, $3, $4, 'twilio', 'completed', $5, $6, now(), $7)`, [tenantId, campaign.id, lead.id, ++attemptNo, outcome, seconds, callerId]);
    for (let i = 0; i < 20; i++) {
      await call(numbers[0]!, i < 2 ? 'answered' : 'no_answer', i < 2 ? 60 : null); // 10 % connect
      await call(numbers[1]!, 'answered', i < 12 ? 3 : 90); // median 3 s
      await call(numbers[2]!, i < 8 ? 'answered' : 'busy', 45); // 40 %, 45 s
    }
    const stats = await api.http.get(`${base}/stats`).set(api.auth()).expect(200);
    expect(stats.body.flagRule).toEqual({ window: 20, minConnectRate: 0.15, minMedianTalkSeconds: 10 });
    expect(stats.body.data).toEqual([
      { number: numbers[0], paused: false, calls: 20, finished: 20, connected: 2, connectRate: 0.1, shortCalls: 0, flagged: true, flagReason: 'low_connect_rate' },
      { number: numbers[1], paused: false, calls: 20, finished: 20, connected: 20, connectRate: 1, shortCalls: 12, flagged: true, flagReason: 'short_calls' },
      { number: numbers[2], paused: false, calls: 20, finished: 20, connected: 8, connectRate: 0.4, shortCalls: 0, flagged: false, flagReason: null },
    ]);
  });
});
