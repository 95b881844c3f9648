import { assertPublicHook } from '../src/campaigns/pre-dial-secret';
import { createTenant } from '../src/tenants/create-tenant';
import { createCampaign, startApi, type Api } from './helpers';

/** Consent records: on JSON leads, CSV columns, PUT/DELETE /v1/leads/:id/consent, and a campaign's consentRequired. */
describe('consent records', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('consent');
  });
  afterAll(async () => {
    await api?.close();
  });

  async function leadId(campaignId: string, phone: string): Promise<string> {
    const [row] = await api.ctx.ds.query(`SELECT id FROM leads WHERE campaign_id = $1 AND phone_e164 = $2`, [campaignId, phone]) as Array<{ id: string }>;
    return row!.id;
  }

  async function audit(entityId: string): Promise<Array<{ action: string; before: unknown; after: Record<string, unknown> }>> {
    const res = await api.http.get(`/v1/audit-log?entityId=${entityId}`).set(api.auth());
    return res.body.data as Array<{ action: string; before: unknown; after: Record<string, unknown> }>;
  }

  it('when a campaign requires express consent, then a CSV import refuses rows without it with row, column and reason, and keeps the consent of the others', async () => {
    const c = await createCampaign(api, { name: 'consent csv', consentRequired: 'express' });
    expect(c.consentRequired).toBe('express');
    const csv = [
      'phone,first_name,consent_type,consent_at,consent_source,consent_text',
      '+14155553001,Ada,express_written,2026-02-14T10:30:00Z,https://example.com/form,TCPA v3',
      '+14155553002,Bob,,,,',
      '+14155553003,Cy,existing_business_relationship,2026-01-01,,',
      '+14155553004,Di,express,yesterday,,',
      '+14155553005,Ed,maybe,,,',
      '+14155553006,Flo,express,,,',
    ].join('\n');
    const res = await api.http.post(`/v1/campaigns/${c.id as string}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send(csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ rowsRead: 6, accepted: 2, rejected: 4 });
    expect(res.body.errors).toEqual([
      { row: 2, kind: 'invalid', column: 'consent_type', reason: 'no consent recorded; the campaign requires express consent' },
      { row: 3, kind: 'invalid', column: 'consent_type', value: 'existing_business_relationship', reason: 'existing_business_relationship consent is weaker than the express consent the campaign requires' },
      { row: 4, kind: 'invalid', column: 'consent_at', value: 'yesterday', reason: 'consent.grantedAt must be an ISO 8601 date or date-time' },
      { row: 5, kind: 'invalid', column: 'consent_type', value: 'maybe', reason: 'consent.type must be one of express_written, express, existing_business_relationship, none' },
    ]);
    const rows = await api.ctx.ds.query(
      `SELECT l.phone_e164, k.type, k.granted_at, k.source, k.consent_text, k.recorded_via FROM lead_consents k JOIN leads l ON l.id = k.lead_id
        WHERE l.campaign_id = $1 ORDER BY l.phone_e164`, [c.id]);
    expect(rows).toEqual([
      { phone_e164: '+14155553001', type: 'express_written', granted_at: new Date('2026-02-14T10:30:00Z'), source: 'https://example.com/form', consent_text: 'TCPA v3', recorded_via: 'import' },
      { phone_e164: '+14155553006', type: 'express', granted_at: null, source: 'import', consent_text: null, recorded_via: 'import' },
    ]);
  });

  it('when JSON leads carry consent under a campaign that requires it, then leads without it are refused with the reason', async () => {
    const c = await createCampaign(api, { name: 'consent json', consentRequired: 'express_written' });
    const res = await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [
      { phone: '+14155553101', consent: { type: 'express_written', grantedAt: '2026-02-01T09:00:00-08:00', source: 'recording:abc', text: 'v2' } },
      { phone: '+14155553102', consent: { type: 'express' } },
      { phone: '+14155553103' },
    ] });
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([
      { index: 1, field: 'consent.type', value: 'express', reason: 'express consent is weaker than the express_written consent the campaign requires' },
      { index: 2, field: 'consent.type', reason: 'no consent recorded; the campaign requires express_written consent' },
    ]);
    const id = await leadId(c.id as string, '+14155553101');
    const got = await api.http.get(`/v1/leads/${id}/consent`).set(api.auth());
    expect(got.status).toBe(200);
    expect(got.body.current).toMatchObject({ leadId: id, type: 'express_written', grantedAt: '2026-02-01T17:00:00.000Z', source: 'recording:abc', text: 'v2', recordedVia: 'lead', revokedAt: null });
  });

  it('when consent is put twice and revoked, then the history keeps every record, the revoke has its reason, and each change is audited', async () => {
    const c = await createCampaign(api, { name: 'consent api' });
    await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155553201' }] });
    const id = await leadId(c.id as string, '+14155553201');

    const first = await api.http.put(`/v1/leads/${id}/consent`).set(api.auth()).send({ type: 'express', source: 'https://example.com/f' });
    expect(first.status).toBe(200);
    const second = await api.http.put(`/v1/leads/${id}/consent`).set(api.auth()).send({ type: 'express_written', grantedAt: '2026-03-01T12:00:00Z', text: 'v4' });
    expect(second.body).toMatchObject({ type: 'express_written', recordedVia: 'api', supersededAt: null });

    const bad = await api.http.put(`/v1/leads/${id}/consent`).set(api.auth()).send({ type: 'sort of' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('type');

    const noReason = await api.http.delete(`/v1/leads/${id}/consent`).set(api.auth()).send({});
    expect(noReason.status).toBe(400);
    const revoked = await api.http.delete(`/v1/leads/${id}/consent`).set(api.auth()).send({ reason: 'asked not to be called' });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: second.body.id, revokedReason: 'asked not to be called' });
    expect(revoked.body.revokedAt).not.toBeNull();
    const again = await api.http.delete(`/v1/leads/${id}/consent`).set(api.auth()).send({ reason: 'twice' });
    expect(again.status).toBe(404);

    const history = await api.http.get(`/v1/leads/${id}/consent`).set(api.auth());
    expect(history.body.current).toMatchObject({ id: second.body.id, type: 'express_written' });
    expect(history.body.history.map((h: { id: string; supersededAt: string | null }) => [h.id, h.supersededAt === null]))
      .toEqual([[second.body.id, true], [first.body.id, false]]);

    const entries = await audit(id);
    expect(entries.map((e) => e.action).sort()).toEqual(['lead.consent_recorded', 'lead.consent_recorded', 'lead.consent_revoked']);
    expect(entries.find((e) => e.action === 'lead.consent_revoked')!.after).toMatchObject({ consentId: second.body.id, revokedReason: 'asked not to be called' });
  });

  it('when a lead ended no_consent is given consent its campaign requires, then it is pending again', async () => {
    const c = await createCampaign(api, { name: 'consent reopen', consentRequired: 'express' });
    await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155553301', consent: { type: 'express' } }] });
    const id = await leadId(c.id as string, '+14155553301');
    await api.ctx.ds.query(`UPDATE leads SET status = 'done', disposition = 'no_consent' WHERE id = $1`, [id]);
    await api.http.put(`/v1/leads/${id}/consent`).set(api.auth()).send({ type: 'express_written' }).expect(200);
    const [row] = await api.ctx.ds.query(`SELECT status, disposition FROM leads WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'pending', disposition: null });
  });

  it('when another tenant\'s key asks for a lead\'s consent, then it is not found', async () => {
    const c = await createCampaign(api, { name: 'consent tenant' });
    await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155553401' }] });
    const id = await leadId(c.id as string, '+14155553401');
    const other = await createTenant(api.ctx.ds, 'consent other');
    expect((await api.http.put(`/v1/leads/${id}/consent`).set(api.auth(other.apiKey)).send({ type: 'express' })).status).toBe(404);
    expect((await api.http.get(`/v1/leads/${id}/consent`).set(api.auth(other.apiKey))).status).toBe(404);
  });

  it('when a lead ended predial_refused, then its record shows the hook\'s reason, its consent and each call\'s consent reference', async () => {
    const c = await createCampaign(api, { name: 'consent record' });
    await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155553501', consent: { type: 'express' } }] });
    const id = await leadId(c.id as string, '+14155553501');
    const [k] = await api.ctx.ds.query(`SELECT id FROM lead_consents WHERE lead_id = $1`, [id]) as Array<{ id: string }>;
    await api.ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status, consent_id) VALUES ($1, $2, $3, 1, 'twilio', 'completed', $4)`,
      [api.tenant.tenantId, c.id, id, k!.id]);
    await api.ctx.ds.query(`UPDATE leads SET status = 'done', attempts = 1, disposition = 'predial_refused', disposition_reason = 'account closed' WHERE id = $1`, [id]);
    const record = await api.http.get(`/v1/leads/${id}`).set(api.auth());
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({ disposition: 'predial_refused', dispositionDetail: 'account closed', consent: { id: k!.id, type: 'express', recordedVia: 'lead' } });
    expect(record.body.calls).toMatchObject([{ attemptNo: 1, consentId: k!.id }]);
  });

  it('when a callback names its own agent, then it is checked against the connection type, kept on the callback and audited', async () => {
    const c = await createCampaign(api, { name: 'callback agent' });
    await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155553601' }] });
    const id = await leadId(c.id as string, '+14155553601');
    const at = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const wrong = await api.http.post(`/v1/leads/${id}/callback`).set(api.auth()).send({ callbackAt: at, agentOverride: 'asst-vapi-only' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('agentOverride (the callback\'s)');
    const ok = await api.http.post(`/v1/leads/${id}/callback`).set(api.auth()).send({ callbackAt: at, agentOverride: 'https://twiml.example.com/closer.xml' });
    expect(ok.status).toBe(201);
    expect(ok.body.agentOverride).toBe('https://twiml.example.com/closer.xml');
    const [row] = await api.ctx.ds.query(`SELECT agent_override FROM callbacks WHERE lead_id = $1 AND status = 'pending'`, [id]);
    expect(row.agent_override).toBe('https://twiml.example.com/closer.xml');
    const entry = (await audit(id)).find((e) => e.action === 'lead.callback_requested')!;
    expect(entry.after).toMatchObject({ agentOverride: 'https://twiml.example.com/closer.xml' });
  });

  it('when a campaign sets a pre-dial hook, then its secret is shown once, a replay of the create does not repeat it, and rotation gives a new one', async () => {
    const preDial = { url: 'https://crm.example.com/hooks/can-call' };
    const created = await api.http.post('/v1/campaigns').set(api.auth()).set('Idempotency-Key', 'predial-create-1').send({ name: 'hooked', preDial });
    expect(created.status).toBe(201);
    expect(created.body.preDial).toEqual({ url: preDial.url, timeoutMs: 2000, onError: 'skip' });
    expect(created.body.preDialSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const replay = await api.http.post('/v1/campaigns').set(api.auth()).set('Idempotency-Key', 'predial-create-1').send({ name: 'hooked', preDial });
    expect(replay.body.id).toBe(created.body.id);
    expect(replay.body.preDialSecret).toBeUndefined();
    const read = await api.http.get(`/v1/campaigns/${created.body.id as string}`).set(api.auth());
    expect(read.body.preDialSecret).toBeUndefined();
    const [stored] = await api.ctx.ds.query(`SELECT pre_dial_secret FROM campaigns WHERE id = $1`, [created.body.id]);
    expect(stored.pre_dial_secret).toMatch(/^v1\./);
    expect(stored.pre_dial_secret).not.toContain(created.body.preDialSecret.slice(6));

    const patched = await api.http.patch(`/v1/campaigns/${created.body.id as string}`).set(api.auth()).send({ preDial: { ...preDial, timeoutMs: 500, onError: 'call' } });
    expect(patched.status).toBe(200);
    expect(patched.body.preDial).toEqual({ url: preDial.url, timeoutMs: 500, onError: 'call' });
    expect(patched.body.preDialSecret).toBeUndefined();

    const rotated = await api.http.post(`/v1/campaigns/${created.body.id as string}/pre-dial/rotate-secret`).set(api.auth());
    expect(rotated.status).toBe(200);
    expect(rotated.body.preDialSecret).toMatch(/^whsec_/);
    expect(rotated.body.preDialSecret).not.toBe(created.body.preDialSecret);

    const bad = await api.http.patch(`/v1/campaigns/${created.body.id as string}`).set(api.auth()).send({ preDial: { url: 'ftp://x', timeoutMs: 50 } });
    expect(bad.status).toBe(400);
    const removed = await api.http.patch(`/v1/campaigns/${created.body.id as string}`).set(api.auth()).send({ preDial: null });
    expect(removed.body.preDial).toBeNull();
    expect((await api.http.post(`/v1/campaigns/${created.body.id as string}/pre-dial/rotate-secret`).set(api.auth())).status).toBe(409);
  });

  it('when a pre-dial URL names a private or loopback address in production, then saving it is refused with 400 (the dialer checks again at connect time)', () => {
    for (const url of ['http://127.0.0.1:8080/h', 'https://169.254.169.254/latest', 'http://localhost/h', 'http://[::1]/h', 'https://10.0.0.5/h']) {
      expect(() => assertPublicHook(url)).toThrow(expect.objectContaining({ status: 400, code: 'validation_failed' }) as unknown as Error);
    }
    expect(() => assertPublicHook('https://crm.example.com/hooks/can-call')).not.toThrow();
  });
});
