import { v1RouterOf } from '../src/app';
import { listRoutes } from '../src/http/list-routes';
import { may } from '../src/http/permissions';
import { ROUTE_TABLE } from '../src/http/route-table';
import { createApiKey } from '../src/tenants/api-keys';
import { createTenant, type CreatedTenant } from '../src/tenants/create-tenant';
import { eventually } from '@dialer/testing';
import { createCampaign, startApi, type Api } from './helpers';

const FAKE = '00000000-0000-4000-8000-000000000000';

function fill(path: string, ids: Record<string, string>): string {
  return `/v1${path.replace(':command', 'start').replace(':id', ids[path] ?? FAKE)}`;
}

describe('campaign-api surface: route table, isolation, roles, keys, OpenAPI', () => {
  let api: Api;
  let b: CreatedTenant;
  beforeAll(async () => {
    api = await startApi('surface');
    b = await createTenant(api.ctx.ds, 'tenant B');
  });
  afterAll(async () => {
    await api?.close();
  });

  const send = (method: string, url: string, key: string, body: unknown = {}) => {
    const req = (api.http as unknown as Record<string, (u: string) => import('supertest').Test>)[method]!(url).set(api.auth(key));
    if (url.endsWith('/csv')) return req.set('Content-Type', 'text/csv').send('phone\n+14155552671\n');
    if (url.includes('/imports') && method === 'post' && !url.includes('/imports/')) return req.attach('file', Buffer.from('phone\n+14155552671\n'), 'a.csv');
    return method === 'get' || method === 'delete' ? req : req.send(body as object);
  };

  it('when the /v1 router is walked, then every route is in the route table and every table entry is routed', () => {
    const routed = listRoutes(v1RouterOf(api.svc.app)).map((r) => `${r.method} ${r.path}`).sort();
    const table = ROUTE_TABLE.map((r) => `${r.method} ${r.path}`).sort();
    expect(routed).toEqual(table);
    expect(new Set(table).size).toBe(table.length);
  });

  it("when tenant B calls every route with tenant A's resources, then each answers 404 and A's data does not change", async () => {
    const campaign = await createCampaign(api, { name: 'A only' });
    const lead = await api.http.post(`/v1/campaigns/${campaign.id}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155552671' }] });
    expect(lead.status).toBe(201);
    const imp = await api.http.post(`/v1/campaigns/${campaign.id}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send('phone\n+14155552672\n');
    expect(imp.status).toBe(201);
    const dnc = await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+14155559999' });
    const key = await api.http.post('/v1/api-keys').set(api.auth()).send({ name: 'ci', role: 'viewer' });
    const leadId = ((await api.ctx.ds.query(`SELECT id FROM leads WHERE campaign_id = $1 LIMIT 1`, [campaign.id])) as Array<{ id: string }>)[0]!.id;
    const [attempt] = (await api.ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider) VALUES ($1, $2, $3, 1, 'twilio') RETURNING id`,
      [api.tenant.tenantId, campaign.id, leadId])) as Array<{ id: string }>;
    const ids: Record<string, string> = {};
    for (const r of ROUTE_TABLE) {
      if (!r.path.includes(':id')) continue;
      ids[r.path] = r.path.startsWith('/campaigns/') ? campaign.id : r.path.startsWith('/imports/') ? imp.body.importId
        : r.path.startsWith('/call-attempts/') ? attempt!.id : r.path.startsWith('/dnc/') ? dnc.body.id
          : r.path.startsWith('/api-keys/') ? key.body.id : r.path.startsWith('/provider-connections/') ? campaign.providerConnectionId : FAKE;
    }
    const snapshot = async () => api.ctx.ds.query(
      `SELECT (SELECT json_agg(c ORDER BY id) FROM campaigns c WHERE tenant_id = $1) AS campaigns,
              (SELECT json_agg(l ORDER BY id) FROM leads l WHERE tenant_id = $1) AS leads,
              (SELECT json_agg(k ORDER BY id) FROM (SELECT id, revoked_at, role FROM api_keys WHERE tenant_id = $1) k) AS keys,
              (SELECT json_agg(d ORDER BY id) FROM dnc_entries d WHERE tenant_id = $1) AS dnc,
              (SELECT json_agg(i ORDER BY id) FROM (SELECT id, status FROM import_jobs WHERE tenant_id = $1) i) AS imports,
              (SELECT json_agg(a ORDER BY id) FROM call_attempts a WHERE tenant_id = $1) AS calls`, [api.tenant.tenantId]);
    const before = await snapshot();
    const withId = ROUTE_TABLE.filter((r) => r.path.includes(':id'));
    expect(withId.length).toBeGreaterThan(20);
    for (const r of withId) {
      const res = await send(r.method, fill(r.path, ids), b.apiKey, typeof r.example === 'object' ? r.example : {});
      expect({ route: `${r.method} ${r.path}`, status: res.status, code: res.body?.error?.code })
        .toEqual({ route: `${r.method} ${r.path}`, status: 404, code: 'not_found' });
    }
    expect(await snapshot()).toEqual(before);
    // Collections never show A's rows to B.
    for (const path of ['/v1/campaigns', '/v1/dnc', '/v1/api-keys', '/v1/audit-log', '/v1/provider-connections']) {
      const res = await api.http.get(path).set(api.auth(b.apiKey));
      expect(JSON.stringify(res.body)).not.toContain(campaign.id);
      expect(JSON.stringify(res.body)).not.toContain(api.tenant.apiKeyId);
    }
  });

  it('when viewer and manager keys call every route, then exactly the routes outside their role answer 403', async () => {
    const viewer = await createApiKey(api.ctx.ds.manager, api.tenant.tenantId, 'viewer');
    const manager = await createApiKey(api.ctx.ds.manager, api.tenant.tenantId, 'manager');
    for (const [role, key] of [['viewer', viewer.apiKey], ['manager', manager.apiKey]] as const) {
      for (const r of ROUTE_TABLE) {
        if (r.path === '/campaigns/:id/events') continue; // a stream; its permission is the same as stats
        const res = await send(r.method, fill(r.path, {}), key);
        const denied = res.status === 403 && res.body.error.code === 'forbidden';
        expect({ role, route: `${r.method} ${r.path}`, denied }).toEqual({ role, route: `${r.method} ${r.path}`, denied: !may(role, r.permission) });
      }
    }
  });

  it('when an admin creates, lists and revokes a key, then the key is shown once, works, and stops working at once', async () => {
    const created = await api.http.post('/v1/api-keys').set(api.auth()).send({ name: 'dashboard', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body.apiKey).toMatch(/^dk_/);
    expect(created.body.role).toBe('viewer');
    expect((await api.http.get('/v1/campaigns').set(api.auth(created.body.apiKey))).status).toBe(200);
    const list = await api.http.get('/v1/api-keys').set(api.auth());
    const listed = list.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: 'dashboard', role: 'viewer', revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(created.body.apiKey);
    // The key's last use is recorded after the request is answered (never on its critical path).
    const lastUsedAt = await eventually(async () => {
      const again = await api.http.get('/v1/api-keys').set(api.auth());
      return again.body.data.find((k: { id: string }) => k.id === created.body.id)?.lastUsedAt as string | null;
    }, { what: 'the key\'s lastUsedAt', timeoutMs: 5_000 });
    expect(new Date(lastUsedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const bad = await api.http.post('/v1/api-keys').set(api.auth()).send({ name: 'x', role: 'root' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const revoked = await api.http.post(`/v1/api-keys/${created.body.id}/revoke`).set(api.auth());
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await api.http.get('/v1/campaigns').set(api.auth(created.body.apiKey))).status).toBe(401);
    expect((await api.http.post(`/v1/api-keys/${created.body.id}/revoke`).set(api.auth())).status).toBe(409);
    const audit = await api.http.get(`/v1/audit-log?entityType=api_key&entityId=${created.body.id as string}`).set(api.auth());
    expect(audit.body.data.map((a: { action: string }) => a.action)).toEqual(['api_key.revoke', 'api_key.create']);
  });

  it('when /openapi.json is read, then it is OpenAPI 3.1, covers every route with its permission, errors and examples, and every $ref resolves', async () => {
    const res = await api.http.get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    for (const r of listRoutes(v1RouterOf(api.svc.app))) {
      const op = doc.paths[`/v1${r.path.replace(/:(\w+)/g, '{$1}')}`]?.[r.method];
      expect({ route: `${r.method} ${r.path}`, documented: Boolean(op) }).toEqual({ route: `${r.method} ${r.path}`, documented: true });
      expect(op.responses['401']).toBeDefined();
      expect(op.responses['429'].headers['Retry-After']).toBeDefined();
      expect(op['x-permission']).toBeDefined();
      if (op.requestBody) expect(Object.values(op.requestBody.content as Record<string, { example?: unknown }>)[0]!.example).toBeDefined();
      for (const p of op.parameters) expect(['path', 'query', 'header']).toContain(p.in);
      for (const [status, resp] of Object.entries(op.responses as Record<string, { content?: Record<string, { examples?: object }> }>)) {
        if (Number(status) >= 400) expect(Object.keys(resp.content!['application/json']!.examples!).length).toBeGreaterThan(0);
      }
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(ref)?.[1];
      expect(name && doc.components.schemas[name]).toBeTruthy();
    }
    expect(doc.components.schemas.CreateCampaignDto.properties.name).toMatchObject({ type: 'string', maxLength: 200 });
    expect(doc.components.schemas.CreateCampaignDto.required).toEqual(['name']);
    const ui = await api.http.get('/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('when any response is sent, then security headers are set and no stack trace leaks', async () => {
    const res = await api.http.post('/v1/campaigns').set(api.auth()).set('Content-Type', 'application/json').send('{"name":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    const big = await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'x', settings: { blob: 'x'.repeat(2 * 1024 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const long = await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'x'.repeat(201) });
    expect(long.status).toBe(400);
    const settings = await api.http.post('/v1/campaigns').set(api.auth()).send({ name: 'x', settings: { blob: 'x'.repeat(20_000) } });
    expect(settings.status).toBe(400);
  });
});
