import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { createCampaign, startApi, type Api } from './helpers';

/**
 * Never a 500 from input: for every path and method of /openapi.json, generated bad requests
 * (wrong types, nulls, NUL and surrogates, huge and negative numbers, out-of-range dates, deep
 * nesting, oversized bodies, bad content types, bad path ids) get a 2xx or a 4xx with a stable
 * error body, and a 4xx changes nothing of the tenant's rows. Fixed seed, bounded count.
 */

const SEED = 20261207;
const RUNS_PER_OPERATION = 24;

let api: Api;
let campaignId: string;

interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  query: string[];
  body: string[];
  contentTypes: string[];
  isPublic: boolean;
}

const operations: Operation[] = [];
const tried = { requests: 0, fiveXx: 0, byStatus: new Map<number, number>() };

beforeAll(async () => {
  api = await startApi('fuzz', { RATE_LIMIT_MAX: '0', LOG_LEVEL: 'error' });
  campaignId = (await createCampaign(api, { name: 'fuzzed' })).id;
  const doc = (await api.http.get('/openapi.json')).body as {
    paths: Record<string, Record<string, {
      parameters?: Array<{ name: string; in: string }>;
      requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown>; $ref?: string } }> };
      security?: unknown[];
    }>>;
    components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
  };
  const schemas = doc.components?.schemas ?? {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      const content = op.requestBody?.content ?? {};
      const body = new Set<string>();
      for (const media of Object.values(content)) {
        let schema = media.schema;
        if (schema?.$ref) schema = schemas[schema.$ref.split('/').pop() as string];
        for (const k of Object.keys(schema?.properties ?? {})) body.add(k);
      }
      operations.push({
        method: method as Operation['method'],
        path,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: [...body],
        contentTypes: Object.keys(content),
        isPublic: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
}, 60_000);

afterAll(async () => {
  await api?.close();
});

/** The tenant's rows (volatile bookkeeping like last-used times left out), as one hash. */
async function fingerprint(): Promise<string> {
  const t = api.tenant.tenantId;
  const [row] = await api.ctx.ds.query(
    `SELECT md5(concat_ws('|',
        (SELECT json_agg(x ORDER BY x.id)::text FROM campaigns x WHERE x.tenant_id = $1),
        (SELECT json_agg(x ORDER BY x.id)::text FROM leads x WHERE x.tenant_id = $1),
        (SELECT json_agg(x ORDER BY x.id)::text FROM dnc_entries x WHERE x.tenant_id = $1),
        (SELECT json_agg(x ORDER BY x.id)::text FROM provider_connections x WHERE x.tenant_id = $1),
        (SELECT json_agg(x ORDER BY x.id)::text FROM import_jobs x WHERE x.tenant_id = $1),
        (SELECT json_agg(x ORDER BY x.id)::text FROM call_attempts x WHERE x.tenant_id = $1),
        (SELECT json_agg(x ORDER BY x.id)::text FROM audit_log x WHERE x.tenant_id = $1),
        (SELECT json_agg(json_build_array(x.id, x.name, x.role, x.revoked_at) ORDER BY x.id)::text FROM api_keys x WHERE x.tenant_id = $1),
        (SELECT json_agg(json_build_array(x.id, x.email, x.name, x.role, x.active, x.password_hash) ORDER BY x.id)::text FROM users x WHERE x.tenant_id = $1)
     )) AS h`, [t]);
  return row.h as string;
}

function nested(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
}

const NASTY_STRINGS = [
  '', ' ', '\t\n ', '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\ud83d', '😀', 'Zoë', '%00', '../../etc/passwd', "'; DROP TABLE leads; --",
  '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1970-01-01', 'not-a-date',
  '9999999999999999999', '-9223372036854775809', '1e309', 'NaN', 'Infinity', '0x10', '-1', '0', 'true', 'null', '[]', '{}',
  randomUUID(), '00000000-0000-0000-0000-000000000000', 'x'.repeat(5_000), '+12025550123', '+1', 'admin', 'draft', 'running',
];

const nastyString = fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));

const nastyNumber = fc.oneof(
  fc.constantFrom(-1, 0, 1, 1.5, -0.0001, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value a client could send where a field is expected. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { a: '\u0000' }, { '\ud800': 1 }, { __proto__: { polluted: true } }) },
  { weight: 1, arbitrary: fc.constant(nested(3_000)) },
  { weight: 1, arbitrary: fc.constant(nested(40)) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, nastyString, { maxKeys: 3 }) },
);

type BodySpec =
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; contentType: string; text: string };

/** A body for an operation: its own fields with bad values (maybe plus an unknown one), or junk. */
function bodyFor(op: Operation): fc.Arbitrary<BodySpec> {
  const fields = op.body.length ? op.body : ['name'];
  const record = fc.uniqueArray(fc.constantFrom(...fields, 'unknownField', '__proto__', 'constructor'), { maxLength: fields.length + 1 })
    .chain((keys) => fc.tuple(...keys.map(() => nastyValue)).map((vals) => {
      const o: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      keys.forEach((k, i) => { o[k] = vals[i]; });
      return { kind: 'json', value: o } as BodySpec;
    }));
  const junk = fc.oneof(
    nastyValue.map((value): BodySpec => ({ kind: 'json', value })),
    fc.constantFrom<BodySpec>(
      { kind: 'raw', contentType: 'application/json', text: '{"name": "x",' },
      { kind: 'raw', contentType: 'application/json', text: '{"name": "\\u0000"}' },
      { kind: 'raw', contentType: 'application/json', text: '{"name": "\\ud800"}' },
      { kind: 'raw', contentType: 'application/json', text: '{"__proto__": {"admin": true}}' },
      { kind: 'raw', contentType: 'application/json', text: `{"name": "${'x'.repeat(2 * 1024 * 1024)}"}` },
      { kind: 'raw', contentType: 'application/json; charset=utf-16', text: '{}' },
      { kind: 'raw', contentType: 'application/json', text: '\u0000' },
      { kind: 'raw', contentType: 'text/plain', text: 'hello' },
      { kind: 'raw', contentType: 'application/xml', text: '<a/>' },
      { kind: 'raw', contentType: 'application/x-www-form-urlencoded', text: 'name=a%00b&name=c' },
      { kind: 'raw', contentType: 'multipart/form-data', text: '--x\r\n' },
      { kind: 'raw', contentType: 'multipart/form-data; boundary=x', text: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nphone\r\n\u0000\r\n--x--\r\n' },
      { kind: 'raw', contentType: 'text/csv', text: 'phone,first_name\n+12025550100,a\u0000b\n\ud800,x\n' },
      { kind: 'raw', contentType: 'text/csv', text: '\u0000\u0001\u0002binary' },
      { kind: 'raw', contentType: 'text/csv', text: '' },
    ),
  );
  return fc.oneof({ weight: 3, arbitrary: record }, { weight: 2, arbitrary: junk });
}

const badId = fc.constantFrom('not-a-uuid', '%00', '0', '-1', '99999999999999999999', randomUUID(), '00000000-0000-0000-0000-000000000000',
  'x'.repeat(300), '%ED%A0%80', '%F0%9F%98%80', '..%2F..', '%25', 'null', '1e999');

function pathFor(op: Operation): fc.Arbitrary<string> {
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  if (names.length === 0) return fc.constant(op.path);
  // The campaign's real id lets bodies reach the validators; not for the live stream, which stays open.
  const real = op.path.startsWith('/v1/campaigns/{id}') && !op.path.endsWith('/events') ? [campaignId] : [];
  const idArb = real.length ? fc.oneof(fc.constant(real[0] as string), badId) : badId;
  return fc.tuple(...names.map((n) => (n === 'command' ? fc.constantFrom('start', 'pause', 'explode', '%00', '') : idArb)))
    .map((vals) => { let p = op.path; names.forEach((n, i) => { p = p.replace(`{${n}}`, vals[i] as string); }); return p; });
}

function queryFor(op: Operation): fc.Arbitrary<string> {
  const names = [...op.query, 'unknownParam', 'limit', 'cursor', 'from', 'to'];
  return fc.array(fc.tuple(fc.constantFrom(...names), fc.oneof(nastyString, nastyNumber.map(String))), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${/^%[0-9A-F]{2}$/.test(v) ? v : encodeURIComponent(v).replace(/%25(00)/g, '%$1')}`).join('&'));
}

interface Answer {
  status: number;
  body: unknown;
  contentType: string;
}

async function send(op: Operation, path: string, query: string, body: BodySpec | null, withAuth: boolean): Promise<Answer> {
  const url = query ? `${path}?${query}` : path;
  let req = api.http[op.method](url);
  if (withAuth) req = req.set(api.auth());
  if (body) {
    if (body.kind === 'json') req = req.set('Content-Type', 'application/json').send(JSON.stringify(body.value) ?? 'null');
    else req = req.set('Content-Type', body.contentType).send(body.text);
  }
  const res = await req.timeout({ deadline: 30_000 }).ok(() => true);
  return { status: res.status, body: res.body, contentType: String(res.headers['content-type'] ?? '') };
}

describe('fuzz: every operation of /openapi.json', () => {
  test('when any operation gets generated bad requests, then no 5xx, a stable error body on every 4xx, and a 4xx changes nothing', async () => {
    expect(operations.length).toBeGreaterThan(30);
    const failures: string[] = [];
    let before = await fingerprint();
    for (const op of operations) {
      const withBody = ['post', 'patch', 'put'].includes(op.method);
      const request = fc.record({
        path: pathFor(op),
        query: queryFor(op),
        body: withBody ? fc.option(bodyFor(op), { freq: 8 }) : fc.constant(null),
        withAuth: op.isPublic || op.path.startsWith('/v1/auth/') ? fc.boolean() : fc.constant(true),
      });
      await fc.assert(fc.asyncProperty(request, async (r) => {
        const answer = await send(op, r.path, r.query, r.body, r.withAuth);
        tried.requests += 1;
        tried.byStatus.set(answer.status, (tried.byStatus.get(answer.status) ?? 0) + 1);
        const what = `${op.method.toUpperCase()} ${r.path}${r.query ? `?${r.query.slice(0, 200)}` : ''} body=${JSON.stringify(r.body)?.slice(0, 200)}`;
        if (answer.status >= 500) {
          tried.fiveXx += 1;
          failures.push(`${answer.status} ${what} → ${JSON.stringify(answer.body).slice(0, 300)}`);
          return;
        }
        const after = await fingerprint();
        if (answer.status >= 400) {
          const err = (answer.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
          if (!answer.contentType.includes('application/json') || typeof err?.code !== 'string' || typeof err?.message !== 'string' || !err.message) {
            failures.push(`${answer.status} without {error:{code,message}}: ${what} → ${JSON.stringify(answer.body).slice(0, 200)}`);
          }
          if (after !== before) failures.push(`${answer.status} changed the database: ${what}`);
        }
        before = after;
      }), { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true });
    }
    console.info(`fuzz: ${tried.requests} requests over ${operations.length} operations, ${tried.fiveXx} answered 5xx; by status ${JSON.stringify(Object.fromEntries([...tried.byStatus].sort((a, b) => a[0] - b[0])))}`);
    expect(failures).toEqual([]);
    expect(tried.fiveXx).toBe(0);
  }, 120_000);
});
