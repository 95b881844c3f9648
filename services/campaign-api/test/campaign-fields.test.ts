import { startApi, type Api } from './helpers';

/** Issue 16, small gaps: description, per-campaign agent/flow and caller id overrides, ring timeout. */
describe('campaign description, agent and caller id overrides, ring timeout', () => {
  let api: Api;
  const conn: Record<'twilio' | 'vapi' | 'exotel' | 'exotelAgent', string> = { twilio: '', vapi: '', exotel: '', exotelAgent: '' };

  beforeAll(async () => {
    api = await startApi('campaignfields');
    const bodies = {
      twilio: { name: 'tw', type: 'twilio', accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'token', fromNumber: '+14155550100' },
      vapi: { name: 'va', type: 'vapi', apiKey: 'key', assistantId: 'asst-default', phoneNumberId: 'pn-1' },
      exotel: { name: 'ex', type: 'exotel', accountSid: 'acme', apiKey: 'key', apiToken: 'token', callerId: '08047112345', flowUrl: 'http://my.exotel.com/acme/exoml/start_voice/1' },
      exotelAgent: { name: 'exa', type: 'exotel', accountSid: 'acme', apiKey: 'key', apiToken: 'token', callerId: '08047112345', agentNumber: '+919900000001' },
    } as const;
    for (const type of ['twilio', 'vapi', 'exotel', 'exotelAgent'] as const) {
      const res = await api.http.post('/v1/provider-connections').set(api.auth()).send(bodies[type]);
      expect(res.status).toBe(201);
      conn[type] = res.body.id as string;
    }
  });
  afterAll(async () => {
    await api?.close();
  });

  const create = (body: Record<string, unknown>) => api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'fields', ...body });
  const fieldsOf = (res: { body: { error: { details: Array<{ field: string }> } } }) => res.body.error.details.map((d) => d.field).sort();

  it('when a campaign is created without the new fields, then no description, no overrides and a 30 s ring timeout', async () => {
    const res = await create({});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ description: null, agentOverride: null, callerIdOverride: null, ringTimeoutSeconds: 30 });
  });

  it('when each provider gets overrides of its own kind, then they are stored and shown in detail and list', async () => {
    const cases = [
      { type: 'twilio', agentOverride: 'https://twiml.example.com/agent-b.xml', callerIdOverride: '+14155550199' },
      { type: 'twilio', agentOverride: 'AP0123456789abcdef0123456789abcdef', callerIdOverride: null },
      { type: 'vapi', agentOverride: '5f2c1c2e-8c1d-4b7e-9a51-0f3f0e7f2b10', callerIdOverride: null },
      { type: 'exotel', agentOverride: '123456', callerIdOverride: '+918047112399' },
      { type: 'exotel', agentOverride: 'http://my.exotel.com/acme/exoml/start_voice/777', callerIdOverride: '08047112399' },
    ] as const;
    for (const c of cases) {
      const res = await create({
        name: `o-${c.type}`, description: '  Buyers who asked about 2BHK flats  ', providerConnectionId: conn[c.type],
        agentOverride: c.agentOverride, ...(c.callerIdOverride ? { callerIdOverride: c.callerIdOverride } : {}), ringTimeoutSeconds: 20,
      });
      expect(res.status).toBe(201);
      const got = await api.http.get(`/v1/campaigns/${res.body.id as string}`).set(api.auth());
      expect(got.body).toMatchObject({
        description: 'Buyers who asked about 2BHK flats', agentOverride: c.agentOverride, callerIdOverride: c.callerIdOverride, ringTimeoutSeconds: 20,
      });
    }
    const list = await api.http.get('/v1/campaigns?name=o-exotel').set(api.auth());
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: { agentOverride: string }) => c.agentOverride).sort()).toEqual(['123456', 'http://my.exotel.com/acme/exoml/start_voice/777']);
  });

  it('when an override does not fit its connection\'s type, then 400 names the field and why, and nothing is created', async () => {
    const before: Array<{ n: number }> = await api.ctx.ds.query(`SELECT count(*)::int AS n FROM campaigns WHERE tenant_id = $1`, [api.tenant.tenantId]);
    const bad = [
      { providerConnectionId: conn.vapi, agentOverride: 'https://example.com/twiml', fields: ['agentOverride'] },
      { providerConnectionId: conn.vapi, callerIdOverride: '+14155550199', fields: ['callerIdOverride'] },
      { providerConnectionId: conn.twilio, agentOverride: 'asst-123', callerIdOverride: '4155550199', fields: ['agentOverride', 'callerIdOverride'] },
      { providerConnectionId: conn.exotel, agentOverride: 'flow-abc', fields: ['agentOverride'] },
      // A connection that bridges an agent number keeps it (the reconciler finds flow calls only on flow connections).
      { providerConnectionId: conn.exotelAgent, agentOverride: '123456', fields: ['agentOverride'] },
      { agentOverride: 'asst-123', fields: ['agentOverride'] },
    ];
    for (const { fields, ...body } of bad) {
      const res = await create(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(fieldsOf(res)).toEqual(fields);
    }
    const after: Array<{ n: number }> = await api.ctx.ds.query(`SELECT count(*)::int AS n FROM campaigns WHERE tenant_id = $1`, [api.tenant.tenantId]);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('when the description is too long or the ring timeout out of bounds, then 400 per field', async () => {
    const res = await create({ description: 'x'.repeat(2001), ringTimeoutSeconds: 4 });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(['description', 'ringTimeoutSeconds']);
    expect((await create({ ringTimeoutSeconds: 121 })).status).toBe(400);
    expect((await create({ ringTimeoutSeconds: 2.5 })).status).toBe(400);
    expect((await create({ ringTimeoutSeconds: 120, description: 'x'.repeat(2000) })).status).toBe(201);
  });

  it('when a campaign is updated, then the overrides are checked against the connection in effect after the change', async () => {
    const res = await create({ providerConnectionId: conn.vapi, agentOverride: 'asst-b' });
    const id = res.body.id as string;
    const patch = (body: Record<string, unknown>) => api.http.patch(`/v1/campaigns/${id}`).set(api.auth()).send(body);

    // Moving to a Twilio connection with a Vapi assistant id as the agent: refused, unchanged.
    const moved = await patch({ providerConnectionId: conn.twilio });
    expect(moved.status).toBe(400);
    expect(fieldsOf(moved)).toEqual(['agentOverride']);
    // Together with a Twilio agent: accepted.
    const ok = await patch({ providerConnectionId: conn.twilio, agentOverride: 'https://twiml.example.com/b.xml', callerIdOverride: '+14155550111' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ providerConnectionId: conn.twilio, agentOverride: 'https://twiml.example.com/b.xml', callerIdOverride: '+14155550111' });
    // An override alone is checked against the campaign's connection.
    expect((await patch({ callerIdOverride: 'not-a-number' })).status).toBe(400);
    const changed = await patch({ description: 'new text', ringTimeoutSeconds: 45, callerIdOverride: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ description: 'new text', ringTimeoutSeconds: 45, callerIdOverride: null, agentOverride: 'https://twiml.example.com/b.xml' });
    // A blank text is refused (as every text field); null clears.
    expect(fieldsOf(await patch({ description: '  ' }))).toEqual(['description']);
    const cleared = await patch({ description: null, agentOverride: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ description: null, agentOverride: null });
    expect((await patch({ ringTimeoutSeconds: 200 })).status).toBe(400);

    const audit: Array<{ before: Record<string, unknown>; after: Record<string, unknown> }> = await api.ctx.ds.query(
      `SELECT before, after FROM audit_log WHERE entity_id = $1 AND action = 'campaign.update' ORDER BY created_at`, [id]);
    expect(audit.some((a) => a.after.ringTimeoutSeconds === 45 && a.before.ringTimeoutSeconds === 30)).toBe(true);
  });

  it('when a campaign is cloned, then its description, overrides and ring timeout are copied', async () => {
    const src = await create({
      description: 'source', providerConnectionId: conn.exotel, agentOverride: '4242', callerIdOverride: '+918047112300', ringTimeoutSeconds: 55,
    });
    expect(src.status).toBe(201);
    const clone = await api.http.post(`/v1/campaigns/${src.body.id as string}/clone`).set(api.auth()).send({});
    expect(clone.status).toBe(201);
    expect(clone.body).toMatchObject({
      status: 'draft', description: 'source', providerConnectionId: conn.exotel, agentOverride: '4242', callerIdOverride: '+918047112300', ringTimeoutSeconds: 55,
    });
  });
});
