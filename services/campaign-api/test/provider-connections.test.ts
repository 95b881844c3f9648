import { decryptSecret, loadConfig, secretsKey } from '@dialer/platform';
import { CampaignApiConfig } from '../src/config';
import { createTenant } from '../src/tenants/create-tenant';
import { createCampaign, startApi, type Api } from './helpers';

let api: Api;

beforeAll(async () => {
  api = await startApi('provider-connections');
});
afterAll(async () => {
  await api?.close();
});

/** The credentials as stored, opened with the key the service uses. */
async function sealed(id: string): Promise<Record<string, string>> {
  const [row] = await api.ctx.ds.query(`SELECT secrets_sealed FROM provider_connections WHERE id = $1`, [id]);
  const key = secretsKey(loadConfig(CampaignApiConfig, { ...api.ctx.env }));
  return JSON.parse(decryptSecret(row.secrets_sealed, key)) as Record<string, string>;
}

describe('provider connections: Vapi and Exotel', () => {
  test('when a Vapi connection is created, then its ids are shown, its key and a generated webhook secret are sealed, and cps defaults to 10', async () => {
    const res = await api.http.post('/v1/provider-connections').set(api.auth()).send({
      name: 'vapi', type: 'vapi', apiKey: 'vapi-private-key', assistantId: 'asst_1', phoneNumberId: 'pn_1',
      webhookAuth: { mode: 'hmac', hmac: { algorithm: 'sha256', signatureHeader: 'x-vapi-signature' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'vapi', callsPerSecond: 10, config: { assistantId: 'asst_1', phoneNumberId: 'pn_1', webhookAuth: { mode: 'hmac' } } });
    expect(JSON.stringify(res.body)).not.toContain('vapi-private-key');
    const secrets = await sealed(res.body.id);
    expect(secrets.apiKey).toBe('vapi-private-key');
    expect(secrets.webhookSecret?.length).toBeGreaterThanOrEqual(16);
  });

  test('when an Exotel connection is created, then it gets a sealed webhook token; without flowUrl or agentNumber it is refused', async () => {
    const ok = await api.http.post('/v1/provider-connections').set(api.auth()).send({
      name: 'exotel', type: 'exotel', accountSid: 'acme1', apiKey: 'k', apiToken: 't', callerId: '08047112345', flowUrl: 'http://my.exotel.com/acme1/exoml/start_voice/1', callsPerSecond: 2,
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ type: 'exotel', callsPerSecond: 2, config: { callerId: '08047112345' } });
    expect((await sealed(ok.body.id)).webhookToken).toMatch(/.{20,}/);
    const bad = await api.http.post('/v1/provider-connections').set(api.auth()).send({
      name: 'exotel', type: 'exotel', accountSid: 'acme1', apiKey: 'k', apiToken: 't', callerId: '08047112345',
    });
    expect(bad.status).toBe(400);
    const unknown = await api.http.post('/v1/provider-connections').set(api.auth()).send({ name: 'x', type: 'plivo' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/twilio, vapi, exotel/);
  });
});

describe('manual disposition', () => {
  test('when a person dispositions a call, then the attempt keeps the label and note, the lead gets the qualified flag, and other tenants see 404', async () => {
    const campaign = await createCampaign(api);
    const { ds } = api.ctx;
    const tenantId = api.tenant.tenantId;
    const [lead] = await ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts) VALUES ($1, $2, '+12025550199', 'done', 1) RETURNING id`, [tenantId, campaign.id]);
    const [att] = await ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status, outcome, analysis)
       VALUES ($1, $2, $3, 1, 'vapi', 'completed', 'answered', '{"summary":"call back tomorrow"}') RETURNING id`, [tenantId, campaign.id, lead.id]);
    const res = await api.http.post(`/v1/call-attempts/${att.id}/disposition`).set(api.auth())
      .send({ disposition: 'callback_requested', qualified: true, note: 'prefers mornings' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: att.id, outcome: 'answered', leadQualified: true, analysis: { summary: 'call back tomorrow' },
      manualDisposition: { disposition: 'callback_requested', note: 'prefers mornings' },
    });
    expect((await api.http.get(`/v1/call-attempts/${att.id}`).set(api.auth())).body.manualDisposition.disposition).toBe('callback_requested');
    const invalid = await api.http.post(`/v1/call-attempts/${att.id}/disposition`).set(api.auth()).send({ disposition: 'Not Valid!' });
    expect(invalid.status).toBe(400);
    const other = await createTenant(ds, 'other');
    expect((await api.http.post(`/v1/call-attempts/${att.id}/disposition`).set(api.auth(other.apiKey)).send({ disposition: 'x' })).status).toBe(404);
    const [audit] = await ds.query(`SELECT action FROM audit_log WHERE entity_id = $1`, [att.id]);
    expect(audit.action).toBe('call_attempt.disposition');
  });
});
