import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import { foldCallAttempt } from '@dialer/db';
import { createUser } from '../src/users/create-user';
import { startApi, type Api } from './helpers';

type Schema = Record<string, any>;
type Doc = { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };

const DOC_ID = 'https://dialer.test/openapi.json';
const JSON_TYPE = 'application/json';

/**
 * Every JSON answer of the API is checked against the schema the OpenAPI document declares for
 * its route and status, with ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1). The response
 * schemas forbid undocumented fields, so a field added, renamed or retyped in the code without the
 * response class fails here.
 */
describe('campaign-api: real responses match the schemas of /openapi.json', () => {
  let api: Api;
  let doc: Doc;
  let ajv: Ajv2020;
  const checked = new Set<string>();

  beforeAll(async () => {
    api = await startApi('openapi-responses');
    doc = (await api.http.get('/openapi.json')).body as Doc;
    ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: DOC_ID, components: doc.components });
  });
  afterAll(async () => {
    await api?.close();
  });

  /** The JSON schema of one documented answer (operation and status). */
  function responseSchema(method: string, path: string, status: number): Schema | undefined {
    return doc.paths[path]?.[method]?.responses?.[String(status)]?.content?.[JSON_TYPE]?.schema as Schema | undefined;
  }

  function validatorFor(schema: Schema): ValidateFunction {
    const ref = schema.$ref as string | undefined;
    if (!ref) throw new Error(`not a $ref: ${JSON.stringify(schema)}`);
    const validate = ajv.getSchema(`${DOC_ID}${ref}`);
    if (!validate) throw new Error(`${ref} does not resolve`);
    return validate;
  }

  /** Asserts that a real answer is documented for its route and status, and matches the schema. */
  function expectDocumented(method: string, path: string, res: Response): void {
    const route = `${method} ${path} → ${res.status}`;
    const schema = responseSchema(method, path, res.status);
    expect({ route, documented: Boolean(schema) }).toEqual({ route, documented: true });
    const validate = validatorFor(schema!);
    const valid = validate(res.body);
    expect({ route, errors: valid ? [] : validate.errors, body: valid ? undefined : res.body }).toEqual({ route, errors: [], body: undefined });
    checked.add(`${method} ${path}`);
  }

  it('when a real body gains, loses or renames a field, then the schema check rejects it', async () => {
    const res = await api.http.get('/v1/provider-connections').set(api.auth());
    expect(res.status).toBe(200);
    const validate = validatorFor(responseSchema('get', '/v1/campaigns/{id}', 200)!);
    const { warnings, ...campaign } = { ...(await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'probe' })).body };
    expect(warnings).toEqual([]);
    expect(validate(campaign)).toBe(true);
    expect(validate({ ...campaign, undocumented: 1 })).toBe(false);
    const { name, ...withoutName } = campaign;
    expect(validate(withoutName)).toBe(false);
    expect(validate({ ...withoutName, title: name })).toBe(false);
    expect(validate({ ...campaign, maxAttempts: '3' })).toBe(false);
    expect(validate({ ...campaign, createdAt: 'yesterday' })).toBe(false);
  });

  it('when every route is called with real data, then each JSON answer matches its declared schema', async () => {
    const db = api.ctx.ds;
    const { http } = api;
    const auth = api.auth();

    // Provider connections and campaigns.
    const pc = await http.post('/v1/provider-connections').set(auth).send({
      name: 'sim', type: 'twilio', baseUrl: 'http://127.0.0.1:3010', accountSid: 'AC123', authToken: 'secret-token', fromNumber: '+14155550100',
    });
    expect(pc.status).toBe(201);
    expectDocumented('post', '/v1/provider-connections', pc);
    expectDocumented('get', '/v1/provider-connections', await http.get('/v1/provider-connections').set(auth));
    expectDocumented('get', '/v1/provider-connections/{id}', await http.get(`/v1/provider-connections/${pc.body.id}`).set(auth));
    expectDocumented('patch', '/v1/provider-connections/{id}',
      await http.patch(`/v1/provider-connections/${pc.body.id}`).set(auth).send({ maxConcurrentCalls: 40, reservedCalls: 2 }));

    const created = await http.post('/v1/campaigns').set(auth).set('Idempotency-Key', 'openapi-1').send({
      name: 'Spring follow-up', providerConnectionId: pc.body.id, maxCallsPerNumber24h: 2, settings: { team: 'renewals' },
      retryPolicy: { no_answer: { enabled: true, delaySeconds: 3600, backoff: 2 }, busy: { enabled: false, delaySeconds: 0 } },
      callingWindow: { ranges: { 1: [{ start: '09:00', end: '12:30' }], 2: [{ start: '09:00', end: '17:00' }] }, holidays: ['2026-12-25'], excludeWeekends: true },
      scheduledStartAt: '2030-01-01T09:00:00Z', scheduledEndAt: '2030-02-01T09:00:00Z',
    });
    expect(created.status).toBe(201);
    expectDocumented('post', '/v1/campaigns', created);
    const id = created.body.id as string;
    expectDocumented('post', '/v1/campaigns', await http.post('/v1/campaigns').set(auth).set('Idempotency-Key', 'openapi-1').send({
      name: 'Spring follow-up', providerConnectionId: pc.body.id, maxCallsPerNumber24h: 2, settings: { team: 'renewals' },
      retryPolicy: { no_answer: { enabled: true, delaySeconds: 3600, backoff: 2 }, busy: { enabled: false, delaySeconds: 0 } },
      callingWindow: { ranges: { 1: [{ start: '09:00', end: '12:30' }], 2: [{ start: '09:00', end: '17:00' }] }, holidays: ['2026-12-25'], excludeWeekends: true },
      scheduledStartAt: '2030-01-01T09:00:00Z', scheduledEndAt: '2030-02-01T09:00:00Z',
    }));
    expectDocumented('get', '/v1/campaigns/{id}', await http.get(`/v1/campaigns/${id}`).set(auth));
    const patched = await http.patch(`/v1/campaigns/${id}`).set(auth).send({ maxConcurrentCalls: 20, callingWindow: { start: '08:00', end: '20:00', days: [1, 2, 3] } });
    expect(patched.status).toBe(200);
    expectDocumented('patch', '/v1/campaigns/{id}', patched);
    expectDocumented('get', '/v1/campaigns', await http.get('/v1/campaigns?limit=1').set(auth));

    // Leads: JSON (one rejected), CSV (one rejected), list.
    const leads = await http.post(`/v1/campaigns/${id}/leads`).set(auth).send({
      leads: [{ phone: '+14155552671', firstName: 'Ada', email: 'ada@example.com', custom: { plan: 'gold' } }, { phone: '+14155552671' }, { phone: 'nope' }, 'x'],
    });
    expect(leads.status).toBe(201);
    expect(leads.body.rejected.length).toBe(2);
    expectDocumented('post', '/v1/campaigns/{id}/leads', leads);
    const csv = await http.post(`/v1/campaigns/${id}/leads/csv`).set(auth).set('Content-Type', 'text/csv')
      .send('phone,first_name\n+14155552672,Grace\nnot-a-number,Bad\n+14155552672,Again\n');
    expect(csv.status).toBe(201);
    expect(csv.body.errors.length).toBe(2);
    expectDocumented('post', '/v1/campaigns/{id}/leads/csv', csv);
    const leadPage = await http.get(`/v1/campaigns/${id}/leads?limit=1`).set(auth);
    expect(leadPage.body.nextCursor).not.toBeNull();
    expectDocumented('get', '/v1/campaigns/{id}/leads', leadPage);
    expectDocumented('get', '/v1/campaigns/{id}/schedule-preview', await http.get(`/v1/campaigns/${id}/schedule-preview?days=1`).set(auth));

    // Imports: preview (200), upload (202), one import, the list, cancel and resume.
    const file = Buffer.from('Mobile Number,First Name,plan\n+14155552673,Alan,gold\nbad,Bob,silver\n');
    const preview = await http.post(`/v1/campaigns/${id}/imports?preview=true`).set(auth).attach('file', file, { filename: 'leads.csv', contentType: 'text/csv' });
    expect(preview.status).toBe(200);
    expect(preview.body.sampleErrors.length).toBe(1);
    expectDocumented('post', '/v1/campaigns/{id}/imports', preview);
    const early = await http.post('/v1/imports/preview?defaultCountry=US').set(auth).attach('file', file, { filename: 'leads.csv', contentType: 'text/csv' });
    expect(early.status).toBe(200);
    expectDocumented('post', '/v1/imports/preview', early);
    const upload = await http.post(`/v1/campaigns/${id}/imports`).set(auth).attach('file', file, { filename: 'leads.csv', contentType: 'text/csv' });
    expect(upload.status).toBe(202);
    expectDocumented('post', '/v1/campaigns/{id}/imports', upload);
    expectDocumented('get', '/v1/imports/{id}', await http.get(`/v1/imports/${csv.body.importId}`).set(auth));
    expectDocumented('get', '/v1/campaigns/{id}/imports', await http.get(`/v1/campaigns/${id}/imports`).set(auth));
    // An upload still arriving (pending, no file yet) can be cancelled; a failed one resumed.
    const [pending] = await db.query(
      `INSERT INTO import_jobs (tenant_id, campaign_id, status, filename, file_path) VALUES ($1, $2, 'pending', 'slow.csv', '/nonexistent/slow.csv') RETURNING id`,
      [api.tenant.tenantId, id]) as Array<{ id: string }>;
    expectDocumented('post', '/v1/imports/{id}/cancel', await http.post(`/v1/imports/${pending!.id}/cancel`).set(auth));
    await db.query(`UPDATE import_jobs SET status = 'failed', error = 'the worker died' WHERE id = $1`, [csv.body.importId]);
    const resumed = await http.post(`/v1/imports/${csv.body.importId}/resume`).set(auth);
    expect(resumed.status).toBe(202);
    expectDocumented('post', '/v1/imports/{id}/resume', resumed);

    // A call: an ended attempt with provider data, folded into the counters as the worker would.
    const [lead] = await db.query(`SELECT id FROM leads WHERE campaign_id = $1 ORDER BY created_at LIMIT 1`, [id]) as Array<{ id: string }>;
    const [attempt] = await db.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_call_id, status, outcome, raw_status,
                                  answered_by, duration_seconds, dialed_at, answered_at, ended_at, lead_final, analysis, recording_url, transcript)
       VALUES ($1, $2, $3, 1, 'twilio', 'CA0123', 'completed', 'answered', 'completed', 'human', 42,
               now() - interval '2 minutes', now() - interval '100 seconds', now() - interval '58 seconds', false,
               '{"summary": "asked for a callback"}', 'https://example.com/r.mp3', 'Hello') RETURNING id`,
      [api.tenant.tenantId, id, lead!.id]) as Array<{ id: string }>;
    await db.query(`INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider) VALUES ($1, $2, $3, 2, 'twilio')`,
      [api.tenant.tenantId, id, lead!.id]);
    await foldCallAttempt(db, attempt!.id);
    expectDocumented('get', '/v1/campaigns/{id}/calls', await http.get(`/v1/campaigns/${id}/calls`).set(auth));
    expectDocumented('get', '/v1/call-attempts/{id}', await http.get(`/v1/call-attempts/${attempt!.id}`).set(auth));
    const disposed = await http.post(`/v1/call-attempts/${attempt!.id}/disposition`).set(auth).send({ disposition: 'callback_requested', qualified: true, note: 'after 5 pm' });
    expect(disposed.status).toBe(200);
    expectDocumented('post', '/v1/call-attempts/{id}/disposition', disposed);

    // Caller-id pools of the connection and the campaign: add, change, pool only, list, stats (the call above went out from one).
    await db.query(`UPDATE call_attempts SET caller_id = '+14155550100' WHERE id = $1`, [attempt!.id]);
    for (const [base, ownerId] of [['provider-connections', pc.body.id as string], ['campaigns', id]] as const) {
      const added = await http.post(`/v1/${base}/${ownerId}/caller-ids`).set(auth).send({ number: '+14155550100', dailyCap: 200, cooldownSeconds: 30 });
      expect(added.status).toBe(201);
      expectDocumented('post', `/v1/${base}/{id}/caller-ids`, added);
      const paused = await http.patch(`/v1/${base}/${ownerId}/caller-ids/${added.body.id}`).set(auth).send({ paused: true, dailyCap: null });
      expect({ status: paused.status, body: paused.body }).toMatchObject({ status: 200, body: { paused: true, dailyCap: null } });
      expectDocumented('patch', `/v1/${base}/{id}/caller-ids/{callerId}`, paused);
      expectDocumented('patch', `/v1/${base}/{id}/caller-ids`, await http.patch(`/v1/${base}/${ownerId}/caller-ids`).set(auth).send({ poolOnly: true }));
      expectDocumented('get', `/v1/${base}/{id}/caller-ids`, await http.get(`/v1/${base}/${ownerId}/caller-ids`).set(auth));
      const stats = await http.get(`/v1/${base}/${ownerId}/caller-ids/stats?days=30`).set(auth);
      expect(stats.body.data[0]).toMatchObject({ number: '+14155550100', calls: 1, connected: 1, connectRate: 1 });
      expectDocumented('get', `/v1/${base}/{id}/caller-ids/stats`, stats);
    }

    // Lead records: read (with its calls), search, edit.
    expectDocumented('get', '/v1/leads/{id}', await http.get(`/v1/leads/${lead!.id}`).set(auth));
    expectDocumented('get', '/v1/leads', await http.get('/v1/leads?q=a').set(auth));
    const edited = await http.patch(`/v1/leads/${lead!.id}`).set(auth).send({ lastName: 'Lovelace' });
    expect(edited.status).toBe(200);
    expectDocumented('patch', '/v1/leads/{id}', edited);

    // Callbacks: asked for (moved into the window or not), shown on the lead and the campaign's list.
    const callback = await http.post(`/v1/leads/${lead!.id}/callback`).set(auth).send({ callbackAt: new Date(Date.now() + 7 * 86_400_000).toISOString() });
    expect(callback.status).toBe(201);
    expectDocumented('post', '/v1/leads/{id}/callback', callback);
    expectDocumented('get', '/v1/leads/{id}', await http.get(`/v1/leads/${lead!.id}`).set(auth));
    expectDocumented('get', '/v1/campaigns/{id}/callbacks', await http.get(`/v1/campaigns/${id}/callbacks`).set(auth));

    // Consent: recorded, read (current and history, on the lead record too), revoked.
    const given = await http.put(`/v1/leads/${lead!.id}/consent`).set(auth).send({ type: 'express_written', grantedAt: '2026-02-14T10:30:00Z', source: 'https://example.com/f', text: 'v3' });
    expect(given.status).toBe(200);
    expectDocumented('put', '/v1/leads/{id}/consent', given);
    expectDocumented('get', '/v1/leads/{id}/consent', await http.get(`/v1/leads/${lead!.id}/consent`).set(auth));
    expectDocumented('get', '/v1/leads/{id}', await http.get(`/v1/leads/${lead!.id}`).set(auth));
    const revokedConsent = await http.delete(`/v1/leads/${lead!.id}/consent`).set(auth).send({ reason: 'asked' });
    expect(revokedConsent.status).toBe(200);
    expectDocumented('delete', '/v1/leads/{id}/consent', revokedConsent);

    // The pre-dial hook: set (its secret shown once), rotated.
    const hooked = await http.patch(`/v1/campaigns/${id}`).set(auth).send({ preDial: { url: 'https://crm.example.com/can-call' }, consentRequired: 'express' });
    expect(hooked.status).toBe(200);
    expect(hooked.body.preDialSecret).toMatch(/^whsec_/);
    expectDocumented('patch', '/v1/campaigns/{id}', hooked);
    const rotated = await http.post(`/v1/campaigns/${id}/pre-dial/rotate-secret`).set(auth);
    expect(rotated.status).toBe(200);
    expectDocumented('post', '/v1/campaigns/{id}/pre-dial/rotate-secret', rotated);

    // Stats, time series, recount, analytics (every grouping).
    expectDocumented('get', '/v1/campaigns/{id}/stats', await http.get(`/v1/campaigns/${id}/stats`).set(auth));
    for (const g of ['minute', 'hour']) {
      const ts = await http.get(`/v1/campaigns/${id}/stats/timeseries?granularity=${g}`).set(auth);
      expect(ts.body.points.some((p: { dials: number }) => p.dials > 0)).toBe(true);
      expectDocumented('get', '/v1/campaigns/{id}/stats/timeseries', ts);
    }
    expectDocumented('post', '/v1/campaigns/{id}/stats/recount', await http.post(`/v1/campaigns/${id}/stats/recount`).set(auth));
    for (const g of ['campaign', 'day', 'outcome', 'hour', 'localHour']) {
      const a = await http.get(`/v1/analytics?groupBy=${g}&tz=America/New_York`).set(auth);
      expect({ g, rows: a.body.rows.length > 0 }).toEqual({ g, rows: true });
      expectDocumented('get', '/v1/analytics', a);
    }

    // DNC: add (201), add again (200), list, check (one invalid), CSV.
    const dnc = await http.post('/v1/dnc').set(auth).send({ phone: '+14155559999', reason: 'asked' });
    expect(dnc.status).toBe(201);
    expectDocumented('post', '/v1/dnc', dnc);
    const again = await http.post('/v1/dnc').set(auth).send({ phone: '+14155559999' });
    expect(again.status).toBe(200);
    expectDocumented('post', '/v1/dnc', again);
    expectDocumented('post', '/v1/dnc', await http.post('/v1/dnc').set(auth).send({ phone: '+14155559998', campaignId: id }));
    expectDocumented('get', '/v1/dnc', await http.get('/v1/dnc?limit=1').set(auth));
    const check = await http.post('/v1/dnc/check').set(auth).send({ phones: ['+14155559999', '+14155559998', 'nope'], campaignId: id });
    expect(check.body.data.map((c: { dnc: boolean }) => c.dnc)).toEqual([true, true, false]);
    expectDocumented('post', '/v1/dnc/check', check);
    expectDocumented('post', '/v1/dnc/csv', await http.post('/v1/dnc/csv').set(auth).set('Content-Type', 'text/csv').send('phone\n+14155559997\nnope\n+14155559997\n'));

    // API keys: create, list (with revoked), revoke.
    expectDocumented('get', '/v1/tenant', await http.get('/v1/tenant').set(auth));
    expectDocumented('patch', '/v1/tenant', await http.patch('/v1/tenant').set(auth).send({ defaultCountry: 'US' }));
    await db.query(`INSERT INTO purge_runs (tenant_id, started_at, cutoff_now, removed) VALUES ($1, now(), now(), '{"call_data": 1}')`, [api.tenant.tenantId]);
    expectDocumented('get', '/v1/tenant/purges', await http.get('/v1/tenant/purges').set(auth));
    expectDocumented('post', '/v1/erasures', await http.post('/v1/erasures').set(auth).send({ email: 'nobody@openapi.example' }));
    expectDocumented('get', '/v1/erasures', await http.get('/v1/erasures').set(auth));
    const key = await http.post('/v1/api-keys').set(auth).send({ name: 'dashboard', role: 'viewer' });
    expect(key.status).toBe(201);
    expectDocumented('post', '/v1/api-keys', key);
    expectDocumented('post', '/v1/api-keys/{id}/revoke', await http.post(`/v1/api-keys/${key.body.id}/revoke`).set(auth));
    expectDocumented('get', '/v1/api-keys', await http.get('/v1/api-keys?includeRevoked=true').set(auth));

    // Clone, delete, the deleted list, restore; the status commands on both campaigns.
    const clone = await http.post(`/v1/campaigns/${id}/clone`).set(auth).send({ includeLeads: true });
    expect(clone.status).toBe(201);
    expectDocumented('post', '/v1/campaigns/{id}/clone', clone);
    expect((await http.delete(`/v1/campaigns/${clone.body.id}`).set(auth)).status).toBe(204);
    expectDocumented('get', '/v1/campaigns', await http.get('/v1/campaigns?deleted=true').set(auth));
    expectDocumented('post', '/v1/campaigns/{id}/restore', await http.post(`/v1/campaigns/${clone.body.id}/restore`).set(auth));
    await http.patch(`/v1/campaigns/${clone.body.id}`).set(auth).send({ scheduledStartAt: '2030-01-01T09:00:00Z' });
    for (const [campaignId, command] of [[clone.body.id, 'schedule'], [clone.body.id, 'cancel'], [id, 'start'], [id, 'pause'], [id, 'resume'], [id, 'stop']] as const) {
      const res = await http.post(`/v1/campaigns/${campaignId}/${command}`).set(auth);
      expect({ command, status: res.status }).toEqual({ command, status: 200 });
      expectDocumented('post', `/v1/campaigns/{id}/${command}`, res);
      expectDocumented('post', '/v1/campaigns/{id}/{command}', res);
    }

    // People: a user signs in, reads the session, invites, changes a role, sends a reset link; the invitee accepts.
    await createUser(db, { tenantId: api.tenant.tenantId, email: 'admin@openapi.example', role: 'admin', password: 'correct horse battery' });
    const login = await http.post('/v1/auth/login').send({ email: 'admin@openapi.example', password: 'correct horse battery' });
    expect(login.status).toBe(200);
    expectDocumented('post', '/v1/auth/login', login);
    const session = { Cookie: (login.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!, 'X-CSRF-Token': login.body.csrfToken as string };
    expectDocumented('get', '/v1/auth/session', await http.get('/v1/auth/session').set(session));
    const invited = await http.post('/v1/users/invitations').set(session).send({ email: 'new@openapi.example', role: 'viewer' });
    expect(invited.status).toBe(201);
    expectDocumented('post', '/v1/users/invitations', invited);
    expectDocumented('patch', '/v1/users/{id}', await http.patch(`/v1/users/${invited.body.user.id}`).set(session).send({ role: 'manager', name: 'New Person' }));
    const link = await http.post(`/v1/users/${invited.body.user.id}/reset-password`).set(session);
    expectDocumented('post', '/v1/users/{id}/reset-password', link);
    expectDocumented('get', '/v1/users', await http.get('/v1/users').set(session));
    const accepted = await http.post('/v1/auth/accept-invite').send({ token: link.body.inviteToken, password: 'another good password' });
    expect(accepted.status).toBe(200);
    expectDocumented('post', '/v1/auth/accept-invite', accepted);
    expect((await http.post('/v1/auth/logout').set(session)).status).toBe(204);

    // Outbound webhooks: an endpoint, its test event and delivery log, redelivery, a rotation, a change, its removal.
    const ep = await http.post('/v1/webhook-endpoints').set(auth).send({ url: 'http://127.0.0.1:9/hook', eventTypes: ['call.ended'], description: 'crm' });
    expect(ep.status).toBe(201);
    expectDocumented('post', '/v1/webhook-endpoints', ep);
    const epPath = `/v1/webhook-endpoints/${ep.body.id}`;
    expectDocumented('get', '/v1/webhook-endpoints', await http.get('/v1/webhook-endpoints').set(auth));
    expectDocumented('get', '/v1/webhook-endpoints/{id}', await http.get(epPath).set(auth));
    const test = await http.post(`${epPath}/test`).set(auth);
    expect(test.status).toBe(202);
    expectDocumented('post', '/v1/webhook-endpoints/{id}/test', test);
    expectDocumented('get', '/v1/webhook-endpoints/{id}/deliveries', await http.get(`${epPath}/deliveries`).set(auth));
    const redelivered = await http.post(`${epPath}/deliveries/${test.body.deliveryId}/redeliver`).set(auth);
    expect(redelivered.status).toBe(202);
    expectDocumented('post', '/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver', redelivered);
    expectDocumented('post', '/v1/webhook-endpoints/{id}/redeliver', await http.post(`${epPath}/redeliver`).set(auth).send({ since: '2026-01-01T00:00:00Z' }));
    expectDocumented('post', '/v1/webhook-endpoints/{id}/rotate-secret', await http.post(`${epPath}/rotate-secret`).set(auth));
    expectDocumented('patch', '/v1/webhook-endpoints/{id}', await http.patch(epPath).set(auth).send({ enabled: false }));
    expect((await http.delete(epPath).set(auth)).status).toBe(204);

    // The audit log, now that all of the above was recorded.
    const audit = await http.get('/v1/audit-log?limit=500').set(auth);
    expect(audit.body.data.length).toBeGreaterThan(10);
    expectDocumented('get', '/v1/audit-log', audit);

    // Every operation of the document with a JSON answer was called above.
    const jsonOperations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops)
      .filter(([, op]) => Object.values(op.responses as Record<string, Schema>).some((r) => r.content?.[JSON_TYPE] && !r.content[JSON_TYPE].schema.$ref?.endsWith('/Error')))
      .map(([method]) => `${method} ${path}`));
    expect(jsonOperations.filter((o) => !checked.has(o)).sort()).toEqual([]);
  });

  it('when the document is read, then every JSON success answer names a response schema, its example matches it, and every field of it has a description and an example', () => {
    const problems: string[] = [];
    const reached = new Set<string>();
    const visit = (name: string): void => {
      if (reached.has(name)) return;
      reached.add(name);
      const s = doc.components.schemas[name];
      if (!s) {
        problems.push(`${name}: not in components.schemas`);
        return;
      }
      if (s.type !== 'object' || s.additionalProperties !== false || !s.description) problems.push(`${name}: not a strict, described object`);
      for (const [prop, p] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
        if (!p.description) problems.push(`${name}.${prop}: no description`);
        if (!Array.isArray(p.examples) || p.examples.length === 0) problems.push(`${name}.${prop}: no example`);
        for (const ref of JSON.stringify(p).match(/#\/components\/schemas\/\w+/g) ?? []) visit(ref.slice(ref.lastIndexOf('/') + 1));
      }
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, r] of Object.entries(op.responses as Record<string, Schema>)) {
          const media = r.content?.[JSON_TYPE];
          if (Number(status) >= 400 || !media) continue;
          const ref = media.schema?.$ref as string | undefined;
          if (!ref) problems.push(`${method} ${path} ${status}: no $ref (${JSON.stringify(media.schema)})`);
          else visit(ref.slice(ref.lastIndexOf('/') + 1));
          if (media.example === undefined) problems.push(`${method} ${path} ${status}: no example`);
          else if (ref && !validatorFor(media.schema)(media.example)) problems.push(`${method} ${path} ${status}: the example does not match its schema`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(reached.size).toBeGreaterThan(25);
  });

  it('when the document lists the campaign commands, then each has its own path, summary, 409 answers and the Campaign schema', () => {
    for (const command of ['start', 'schedule', 'pause', 'resume', 'stop', 'cancel']) {
      const op = doc.paths[`/v1/campaigns/{id}/${command}`]?.post;
      expect({ command, summary: typeof op?.summary }).toEqual({ command, summary: 'string' });
      expect(op!.responses['200'].content[JSON_TYPE].schema).toEqual({ $ref: '#/components/schemas/CampaignWithWarnings' });
      const conflicts = Object.keys(op!.responses['409'].content[JSON_TYPE].examples);
      expect(conflicts).toContain('invalid_transition');
      expect(conflicts.includes('provider_connection_required')).toBe(command === 'start' || command === 'schedule');
    }
  });
});
