// class-transformer keeps @Type metadata here (nested DTOs); its types live beside, under types/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as typeof import('class-transformer/types/storage');
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { CAMPAIGN_COMMANDS, COMMAND_FROM, type CampaignCommand } from '@dialer/domain';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES } from '../http/permissions';
import { ROUTE_TABLE, type RouteSpec } from '../http/route-table';
import { webhookEvents } from './webhook-events';

type Schema = Record<string, unknown>;

/** The stable error codes, by status (README, "Errors"). */
export const ERROR_CODES: Record<number, Array<{ code: string; message: string }>> = {
  400: [
    { code: 'validation_failed', message: 'request body is invalid: name must be shorter than or equal to 200 characters' },
    { code: 'invalid_json', message: 'the request body is not valid JSON' },
    { code: 'invalid_idempotency_key', message: 'Idempotency-Key must be 1 to 255 visible ASCII characters' },
    { code: 'no_file', message: 'the upload has no file part' },
    { code: 'invalid_input', message: 'from must be before to' },
    { code: 'invalid_token', message: 'this link is invalid, already used or expired: ask an admin for a new one' },
    { code: 'ambiguous_credentials', message: 'send an API key or a session cookie, not both' },
  ],
  401: [
    { code: 'unauthorized', message: 'a valid API key is required (Authorization: Bearer <key>)' },
    { code: 'invalid_credentials', message: 'the email or the password is wrong' },
  ],
  403: [
    { code: 'forbidden', message: 'this API key (role viewer) lacks the permission campaigns:write' },
    { code: 'csrf_failed', message: 'this request needs the X-CSRF-Token header of the session (GET /v1/auth/session gives it)' },
    { code: 'account_inactive', message: 'this account is deactivated: ask an admin of your team' },
    { code: 'session_required', message: 'this route belongs to a signed-in person\'s session, not to an API key' },
  ],
  404: [{ code: 'not_found', message: 'campaign 7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10 was not found' }, { code: 'route_not_found', message: 'no route for GET /v1/nope' }],
  409: [
    { code: 'conflict', message: 'the campaign was changed by another request; read it again and retry' },
    { code: 'invalid_state', message: 'a running campaign must be stopped before it is deleted' },
    { code: 'invalid_transition', message: 'cannot resume a campaign that is draft' },
    { code: 'provider_connection_required', message: 'a campaign needs a providerConnectionId before it can start' },
    { code: 'schedule_required', message: 'a campaign needs scheduledStartAt before it can be scheduled' },
    { code: 'no_leads', message: 'the campaign has no leads: add them first (POST /v1/campaigns/:id/imports or …/leads)' },
    { code: 'nothing_callable', message: 'nothing can ever be called: the US rule pack (United States, federal) allows 08:00–21:00 every day; the campaign\'s window 06:00–07:00 every day never overlaps it' },
    { code: 'idempotency_in_progress', message: 'a request with this Idempotency-Key is still running; retry later' },
    { code: 'user_exists', message: 'a user with the email grace@example.com exists already' },
    { code: 'last_admin', message: 'this is the last active admin of the team: make someone else admin first' },
  ],
  412: [{ code: 'precondition_failed', message: 'the campaign changed since it was read (If-Match does not match its ETag); read it again' }],
  413: [{ code: 'payload_too_large', message: 'the request body is larger than allowed' }],
  415: [{ code: 'unsupported_media_type', message: 'send the CSV with Content-Type: text/csv' }],
  422: [{ code: 'idempotency_key_reused', message: 'this Idempotency-Key was used for a different request' }],
  429: [
    { code: 'rate_limited', message: 'too many requests for this API key: at most 600 per 60 s' },
    { code: 'login_throttled', message: 'too many failed sign-ins for this account: try again in 15 minute(s)' },
  ],
  500: [{ code: 'internal', message: 'an internal error occurred' }],
  503: [{ code: 'unavailable', message: 'live events are not enabled on this server' }],
};

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content', 400: 'Invalid input', 401: 'Missing, malformed, unknown or revoked API key',
  403: 'The key\'s role lacks the permission', 404: 'Not found (also another tenant\'s resource)', 409: 'Conflict with the current state',
  412: 'If-Match does not match', 413: 'Body too large', 415: 'Wrong content type', 422: 'Idempotency-Key reused',
  429: 'Rate limit of the key exceeded (Retry-After)', 500: 'Internal error (no details)', 503: 'Unavailable',
};

function dtoSchemas(): Record<string, Schema> {
  return validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: {
      isIanaZone: { type: 'string', description: 'an IANA time zone', example: 'America/New_York' },
      isUsableWindow: {},
      isISO31661Alpha2: { type: 'string', pattern: '^[A-Za-z]{2}$', example: 'US' },
      maxJsonBytes: (meta) => ({ type: 'object', description: `at most ${String(meta.constraints?.[0])} bytes as JSON` }),
    },
  }) as Record<string, Schema>;
}

/** A field with a default in its DTO class is not required of the caller. */
function relaxDefaults(schemas: Record<string, Schema>): void {
  for (const spec of ROUTE_TABLE) {
    const classes = [spec.query, ...(Array.isArray(spec.body) ? spec.body : spec.body ? [spec.body] : [])];
    for (const cls of classes) {
      const s = cls && schemas[cls.name];
      if (!cls || !s || !Array.isArray(s.required)) continue;
      const defaults = new cls() as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const k of s.required as string[]) if (defaults[k] !== undefined && props[k]) props[k].default = defaults[k];
      s.required = (s.required as string[]).filter((k) => defaults[k] === undefined);
      if ((s.required as string[]).length === 0) delete s.required;
    }
  }
}

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

function queryParameters(spec: RouteSpec, schemas: Record<string, Schema>): Schema[] {
  if (!spec.query) return [];
  const s = schemas[spec.query.name];
  const props = (s?.properties ?? {}) as Record<string, Schema>;
  const required = new Set((s?.required ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => ({
    name, in: 'query', required: required.has(name), schema,
    ...(schema.description ? { description: schema.description } : {}),
  }));
}

type ErrorExamples = Record<number, Array<{ code: string; message: string }>>;

function errorResponse(status: number, specific?: ErrorExamples): Schema {
  const codes = specific?.[status] ?? ERROR_CODES[status] ?? ERROR_CODES[500]!;
  const examples: Record<string, Schema> = {};
  for (const c of codes) examples[c.code] = { value: { error: { code: c.code, message: c.message } } };
  return {
    description: STATUS_TEXT[status] ?? 'Error',
    ...(status === 429 ? { headers: { 'Retry-After': { description: 'seconds until the key may call again', schema: { type: 'integer' } } } } : {}),
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, examples } },
  };
}

function access(spec: RouteSpec): string {
  if (spec.permission === 'public') return 'No credentials: this is how a person signs in. Refused when sent cross-site (Origin).';
  if (spec.permission === 'session') return 'A signed-in person\'s session cookie (not an API key).';
  const p = spec.permission;
  return `Permission: \`${p}\` (roles: ${ROLES.filter((r) => ROLE_PERMISSIONS[r].has(p)).join(', ')}).`
    + ' With a session cookie, a write also needs the X-CSRF-Token header.';
}

function refName(ref: unknown): string | undefined {
  return typeof ref === 'string' ? ref.slice(ref.lastIndexOf('/') + 1) : undefined;
}

/** An example of a response class, assembled from the examples of its fields (nested classes followed). */
function exampleOf(schema: Schema | undefined, schemas: Record<string, Schema>, depth = 0): unknown {
  if (!schema || depth > 6) return undefined;
  const name = refName(schema.$ref);
  if (name) return exampleOf(schemas[name], schemas, depth + 1);
  const props = schema.properties as Record<string, Schema> | undefined;
  if (!props) return (schema.examples as unknown[] | undefined)?.[0];
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(props)) {
    const items = p.items as Schema | undefined;
    if (items?.$ref) out[k] = [exampleOf(items, schemas, depth + 1)];
    else if (Array.isArray(p.examples)) out[k] = p.examples[0];
    else out[k] = exampleOf(p, schemas, depth + 1);
  }
  return out;
}

function jsonResponse(status: number, cls: RouteSpec['response'], schemas: Record<string, Schema>): Schema {
  const schema = cls ? { $ref: `#/components/schemas/${cls.name}` } : { type: 'object' };
  return {
    description: STATUS_TEXT[status] ?? 'OK',
    content: { 'application/json': { schema, ...(cls ? { example: exampleOf(schema, schemas) } : {}) } },
  };
}

/** What class-validator says of a value that does not fit a field of this schema. */
function fieldHint(p: Schema): string {
  if (Array.isArray(p.enum)) return `must be one of the following values: ${(p.enum as unknown[]).join(', ')}`;
  if (p.format === 'uuid') return 'must be a UUID';
  if (p.format === 'date-time') return 'must be a Date instance';
  if (p.type === 'integer') return 'must be an integer number';
  if (p.type === 'number') return 'must be a number conforming to the specified constraints';
  if (p.type === 'boolean') return 'must be a boolean value';
  if (p.type === 'array') return 'must be an array';
  if (p.type === 'object' || p.$ref) return 'must be an object';
  if (typeof p.maxLength === 'number') return `must be shorter than or equal to ${p.maxLength} characters`;
  return 'must be a string';
}

/**
 * The route's own 400 example: its body's (or query's) first required field, else its first field,
 * with what the validator says of a wrong value there; the generic example for a route without any.
 */
function badRequestExamples(spec: RouteSpec, schemas: Record<string, Schema>): ErrorExamples {
  const body = Array.isArray(spec.body) ? spec.body[0] : spec.body;
  const cls = body ?? spec.query;
  const s = cls ? schemas[cls.name] : undefined;
  const props = (s?.properties ?? {}) as Record<string, Schema>;
  const field = ((s?.required ?? []) as string[])[0] ?? Object.keys(props)[0];
  if (!field || !props[field]) return {};
  const where = body ? 'request body' : 'query string';
  const message = `${where} is invalid: ${field} ${fieldHint(props[field])}`;
  return { 400: [{ code: 'validation_failed', message }] };
}

/** The document's tags in the order a user meets them; keys and audit last. */
const TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'Provider connections', description: 'First: the telephony provider (Twilio, Vapi, Exotel, or provider-sim) campaigns dial through.' },
  { name: 'Campaigns', description: 'Create a campaign (its country, calling window, retries, limits), then start, pause, resume, stop it. Writes answer warnings.' },
  { name: 'Leads', description: 'Add the people to call: JSON or a CSV body; list them with their status and disposition.' },
  { name: 'Imports', description: 'Large CSV uploads processed in the background, with a preview, progress and a per-row report.' },
  { name: 'Calls', description: 'Every call attempt: who, outcome, analysis, recording, transcript, and a person\'s disposition.' },
  { name: 'Stats', description: 'Progress from maintained counters, time series, analytics and the live event stream.' },
  { name: 'DNC', description: 'Do-not-call lists of the tenant and of single campaigns.' },
  { name: 'Users', description: 'The team\'s people: invitations, roles, deactivation.' },
  { name: 'Sessions', description: 'A person\'s sign-in to the dashboard (cookie session and CSRF token).' },
  { name: 'Tenant', description: 'The team itself and its defaults (the country assumed for numbers without a country code), how long its data is kept, and the erasure of a person.' },
  { name: 'Webhooks', description: 'Outbound event webhooks: endpoints that receive the tenant\'s events, signed (Standard Webhooks), retried for 3 days; their delivery log, redelivery and a test event. The events are under `webhooks`.' },
  { name: 'API keys', description: 'Keys for machines, each with a role.' },
  { name: 'Audit', description: 'Who changed what, when.' },
];

/** What a path's :id names, as the 404 answer calls it. */
const NOT_FOUND_NOUN: Record<string, string> = {
  campaigns: 'campaign', imports: 'import', 'call-attempts': 'call attempt', dnc: 'dnc entry', 'api-keys': 'API key',
  'provider-connections': 'provider connection', 'webhook-endpoints': 'webhook endpoint',
};

/** The route's own 404 example: the thing its path names (the generic one when the path names none). */
function notFoundExamples(path: string): ErrorExamples {
  const noun = NOT_FOUND_NOUN[path.split('/')[1] ?? ''];
  if (!noun || !path.includes(':id')) return {};
  return { 404: [{ code: 'not_found', message: `${noun} 7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10 was not found` }] };
}

function operation(spec: RouteSpec, schemas: Record<string, Schema>, errorExamples?: ErrorExamples): Schema {
  const params: Schema[] = [...(spec.path.match(/:([A-Za-z]+)/g) ?? [])].map((p) => ({
    name: p.slice(1), in: 'path', required: true, schema: { type: 'string', format: 'uuid' },
    example: '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10',
  }));
  if (spec.path.endsWith('/:command')) params[1] = { name: 'command', in: 'path', required: true, schema: { type: 'string', enum: ['start', 'schedule', 'pause', 'resume', 'stop', 'cancel'] }, example: 'start' };
  params.push(...queryParameters(spec, schemas));
  if (spec.idempotent) {
    params.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, example: 'create-spring-2026', description: 'a repeat with the same key answers the first result' });
  }
  if (spec.ifMatch) {
    params.push({ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, example: '"3"', description: 'the ETag read; 412 when the resource moved on' });
  }

  let requestBody: Schema | undefined;
  if (spec.body) {
    const classes = Array.isArray(spec.body) ? spec.body : [spec.body];
    const schema = classes.length === 1 ? { $ref: `#/components/schemas/${classes[0]!.name}` } : { oneOf: classes.map((c) => ({ $ref: `#/components/schemas/${c.name}` })) };
    requestBody = { required: true, content: { 'application/json': { schema, example: spec.example ?? {} } } };
  } else if (spec.bodyType === 'text/csv') {
    requestBody = { required: true, content: { 'text/csv': { schema: { type: 'string' }, example: spec.example ?? 'phone\n+14155552671\n' } } };
  } else if (spec.bodyType === 'multipart/form-data') {
    requestBody = {
      required: true,
      content: {
        'multipart/form-data': {
          schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'text/csv' }, mapping: { type: 'string', description: 'JSON column mapping' } }, required: ['file'] },
          example: { mapping: '{"phone":"Mobile Number"}' },
        },
      },
    };
  }

  const status = spec.status ?? 200;
  const produces = spec.produces ?? 'application/json';
  let success: Schema = { description: STATUS_TEXT[status] ?? 'OK' };
  if (produces === 'application/json') success = jsonResponse(status, spec.response, schemas);
  else if (produces !== 'none') success.content = { [produces]: { schema: { type: 'string' } } };

  const errorStatuses = new Set<number>([401, 403, 429, 500, ...(spec.errors ?? [])]);
  if (spec.body || spec.bodyType || spec.query || spec.idempotent) errorStatuses.add(400);
  if (spec.path.includes(':')) errorStatuses.add(404);
  if (spec.body) errorStatuses.add(413);
  const responses: Schema = { [String(status)]: success };
  for (const [other, cls] of Object.entries(spec.alsoResponds ?? {})) responses[other] = jsonResponse(Number(other), cls, schemas);
  const examples = { ...notFoundExamples(spec.path), ...badRequestExamples(spec, schemas), ...spec.errorExamples, ...errorExamples };
  for (const s of [...errorStatuses].sort()) responses[String(s)] = errorResponse(s, examples);

  return {
    operationId: `${spec.method}${spec.path.replace(/[:/.-]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: spec.summary,
    tags: [spec.tag],
    description: access(spec),
    'x-permission': spec.permission,
    security: spec.permission === 'public' ? [] : spec.permission === 'session' ? [{ session: [] }] : [{ apiKey: [] }, { session: [] }],
    parameters: params,
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

const COMMAND_SUMMARY: Record<CampaignCommand, string> = {
  start: 'Start dialing now',
  schedule: 'Schedule the campaign: it starts by itself at scheduledStartAt',
  pause: 'Pause dialing (calls in progress finish)',
  resume: 'Resume dialing',
  stop: 'Stop for good: leads not yet dialled end with disposition stopped',
  cancel: 'Cancel a campaign that has not started',
};

/** The 409 answers of one command: the statuses it refuses, and what start and schedule need. */
function commandErrors(command: CampaignCommand): ErrorExamples {
  const refused = (['draft', 'running', 'paused', 'completed'] as const).find((st) => !COMMAND_FROM[command].includes(st))!;
  const conflicts = [{ code: 'invalid_transition', message: `cannot ${command} a campaign that is ${refused}` }];
  if (command === 'start' || command === 'schedule') {
    conflicts.push({ code: 'provider_connection_required', message: `a campaign needs a providerConnectionId before it can ${command}` });
  }
  if (command === 'schedule') conflicts.push({ code: 'schedule_required', message: 'a campaign needs scheduledStartAt before it can be scheduled' });
  if (command === 'start') {
    conflicts.push(
      { code: 'no_leads', message: 'the campaign has no leads: add them first (POST /v1/campaigns/:id/imports or …/leads)' },
      { code: 'nothing_callable', message: 'nothing can ever be called: the IN-PROMO rule pack (India, promotional calls (default for Indian numbers)) allows 10:00–21:00 every day; the campaign\'s window 06:00–07:00 every day never overlaps it' },
    );
  }
  return { 409: conflicts };
}

/**
 * POST /campaigns/:id/:command is one route; the document also lists each command as its own
 * path (…/start, …/pause, …), each with its summary, its 409 answers and the campaign it returns.
 */
function commandOperations(spec: RouteSpec, schemas: Record<string, Schema>): Array<[string, Schema]> {
  return (Object.keys(CAMPAIGN_COMMANDS) as CampaignCommand[]).map((command) => {
    const path = spec.path.replace(':command', command);
    const summary = `${COMMAND_SUMMARY[command]} (${COMMAND_FROM[command].join(', ')} → ${CAMPAIGN_COMMANDS[command]})`;
    return [path, operation({ ...spec, path, summary }, schemas, commandErrors(command))];
  });
}

/** The OpenAPI 3.1 document of /v1, from the route table and the class-validator DTOs that validate requests. */
export function buildOpenApi(version = '0.1.0'): Schema {
  const schemas = dtoSchemas();
  relaxDefaults(schemas);
  const paths: Record<string, Record<string, Schema>> = {};
  for (const spec of ROUTE_TABLE) {
    const p = `/v1${toOpenApiPath(spec.path)}`;
    (paths[p] ??= {})[spec.method] = operation(spec, schemas);
    if (spec.path.endsWith('/:command')) {
      for (const [path, op] of commandOperations(spec, schemas)) (paths[`/v1${toOpenApiPath(path)}`] ??= {})[spec.method] = op;
    }
  }
  const events = webhookEvents();
  return {
    openapi: '3.1.0',
    info: {
      title: 'Outbound campaign dialer API', version,
      description: `Every /v1 route but sign-in needs \`Authorization: Bearer <api key>\` (machines) or a session cookie (people in the dashboard), never both. Roles: ${ROLES.map((r) => `${r} (${[...ROLE_PERMISSIONS[r]].join(', ')})`).join('; ')}. Permissions: ${PERMISSIONS.join(', ')}.`,
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    tags: TAGS,
    paths,
    webhooks: events.webhooks,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'dk_… API key' },
        session: { type: 'apiKey', in: 'cookie', name: 'dialer_session', description: 'a signed-in person\'s session (POST /v1/auth/login); `__Host-dialer_session` over https' },
      },
      schemas: {
        ...schemas,
        ...events.schemas,
        Error: {
          type: 'object', required: ['error'],
          properties: {
            error: {
              type: 'object', required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: [...new Set(Object.values(ERROR_CODES).flat().map((c) => c.code))] },
                message: { type: 'string' },
                details: {},
              },
            },
          },
          example: { error: { code: 'not_found', message: 'campaign 7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10 was not found' } },
        },
      },
    },
  };
}
