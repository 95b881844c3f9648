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
});
