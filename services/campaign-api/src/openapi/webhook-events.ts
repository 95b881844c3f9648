import { TEST_EVENT_TYPE } from '@dialer/domain';

type Schema = Record<string, unknown>;

const ID = '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10';
const TENANT = '0b8e2f5a-61c4-4d2e-9f0a-3c5d7e9f1a2b';
const CAMPAIGN = '3c1f8a7e-5d2b-4e90-8f6a-1b2c3d4e5f60';
const LEAD = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const ATTEMPT = '5f4e3d2c-1b0a-4987-b6a5-f4e3d2c1b0a9';
const AT = '2026-03-02T14:05:00.000Z';

const str = { type: 'string' };
const uuid = { type: 'string', format: 'uuid' };
const time = { type: 'string', format: 'date-time' };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const obj = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object', ...(description ? { description } : {}), required: Object.keys(properties), properties,
});

/** Each event type: what its `data` holds, an example of it, and when it is sent. */
const EVENTS: Record<string, { summary: string; data: Schema; example: Record<string, unknown> }> = {
  'call.started': {
    summary: 'The provider accepted a call (it is ringing or about to).',
    data: obj({ callAttemptId: uuid, campaignId: uuid, leadId: uuid, attemptNo: { type: 'integer' }, providerCallId: str, startedAt: time }),
    example: { callAttemptId: ATTEMPT, campaignId: CAMPAIGN, leadId: LEAD, attemptNo: 1, providerCallId: 'CA0123456789abcdef', startedAt: AT },
  },
  'call.ended': {
    summary: 'A call ended. recordingUrl only in standard compliance mode; analysis in standard and pci (never in hipaa). The call\'s detail (links.call) is read through the API.',
    data: obj({
      callAttemptId: uuid, campaignId: uuid, leadId: uuid, attemptNo: { type: 'integer' }, status: str, outcome: str,
      durationSeconds: nullable({ type: 'integer' }), answeredBy: nullable(str), providerCallId: nullable(str), endedAt: time,
      recordingUrl: nullable(str), analysis: {},
      lead: nullable(obj({ final: { type: 'boolean' }, disposition: nullable(str), nextAttemptAt: nullable(time) })),
      links: obj({ call: str }),
    }),
    example: {
      callAttemptId: ATTEMPT, campaignId: CAMPAIGN, leadId: LEAD, attemptNo: 1, status: 'completed', outcome: 'answered', durationSeconds: 74,
      answeredBy: 'human', providerCallId: 'CA0123456789abcdef', endedAt: AT, recordingUrl: 'https://api.twilio.com/recordings/RE123.mp3',
      analysis: { summary: 'Interested; asked for a viewing on Friday.', successEvaluation: true },
      lead: { final: true, disposition: 'answered', nextAttemptAt: null }, links: { call: `/v1/call-attempts/${ATTEMPT}` },
    },
  },
  'lead.completed': {
    summary: 'A lead is done for good: its final disposition and the attempts it took.',
    data: obj({ leadId: uuid, campaignId: uuid, disposition: nullable(str), attempts: { type: 'integer' }, lastCallAttemptId: uuid, completedAt: time, links: obj({ lead: str }) }),
    example: { leadId: LEAD, campaignId: CAMPAIGN, disposition: 'answered', attempts: 2, lastCallAttemptId: ATTEMPT, completedAt: AT, links: { lead: `/v1/leads/${LEAD}` } },
  },
  'lead.qualified': {
    summary: 'A lead became qualified: by the campaign\'s qualification rule on the call\'s analysis, or by a person\'s disposition.',
    data: obj({ leadId: uuid, campaignId: uuid, callAttemptId: nullable(uuid), by: { type: 'string', enum: ['rule', 'disposition'] }, links: obj({ lead: str }) }),
    example: { leadId: LEAD, campaignId: CAMPAIGN, callAttemptId: ATTEMPT, by: 'rule', links: { lead: `/v1/leads/${LEAD}` } },
  },
  'lead.callback_scheduled': {
    summary: 'A callback was scheduled for a lead (by the API, a disposition or the call\'s analysis); dueAt may be moved into the callee\'s window.',
    data: obj({ callbackId: uuid, leadId: uuid, campaignId: uuid, source: str, callAttemptId: nullable(uuid), requestedAt: time, dueAt: time, moved: nullable(str) }),
    example: { callbackId: ID, leadId: LEAD, campaignId: CAMPAIGN, source: 'analysis', callAttemptId: ATTEMPT, requestedAt: AT, dueAt: AT, moved: null },
  },
  'campaign.status_changed': {
    summary: 'A campaign moved: a command (start, pause, resume, stop, cancel, schedule), the scheduler, or completion.',
    data: obj({
      campaignId: uuid, from: str, to: str, version: { type: 'integer' }, by: { type: 'string', enum: ['command', 'scheduler', 'completion'] },
      command: nullable(str), changedAt: time, links: obj({ campaign: str }),
    }),
    example: { campaignId: CAMPAIGN, from: 'running', to: 'completed', version: 7, by: 'completion', command: null, changedAt: AT, links: { campaign: `/v1/campaigns/${CAMPAIGN}` } },
  },
  'import.completed': {
    summary: 'A lead import finished.',
    data: obj({
      importId: uuid, campaignId: uuid, rowsRead: { type: 'integer' }, accepted: { type: 'integer' }, rejected: { type: 'integer' },
      duplicates: { type: 'integer' }, dncSuppressed: { type: 'integer' }, error: { type: 'null' }, endedAt: time, links: obj({ import: str }),
    }),
    example: { importId: ID, campaignId: CAMPAIGN, rowsRead: 1000, accepted: 990, rejected: 6, duplicates: 3, dncSuppressed: 1, error: null, endedAt: AT, links: { import: `/v1/imports/${ID}` } },
  },
  'import.failed': {
    summary: 'A lead import failed (its committed rows are kept; it can be resumed).',
    data: obj({
      importId: uuid, campaignId: uuid, rowsRead: { type: 'integer' }, accepted: { type: 'integer' }, rejected: { type: 'integer' },
      duplicates: { type: 'integer' }, dncSuppressed: { type: 'integer' }, error: nullable(str), endedAt: time, links: obj({ import: str }),
    }),
    example: { importId: ID, campaignId: CAMPAIGN, rowsRead: 20000, accepted: 19000, rejected: 1000, duplicates: 0, dncSuppressed: 0, error: 'the uploaded file is no longer in IMPORT_DIR', endedAt: AT, links: { import: `/v1/imports/${ID}` } },
  },
  [TEST_EVENT_TYPE]: {
    summary: 'Sent by POST /v1/webhook-endpoints/{id}/test to that endpoint only.',
    data: obj({ endpointId: uuid, test: { type: 'boolean' } }),
    example: { endpointId: ID, test: true },
  },
};

const HEADERS: Schema[] = [
  { name: 'webhook-id', in: 'header', required: true, schema: uuid, description: 'The event id: the same on every retry and redelivery; deduplicate on it.' },
  { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'string' }, description: 'Seconds since the epoch when this try was signed; refuse old ones (the libraries allow 5 minutes).' },
  { name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string' }, description: 'Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per live secret (two during a rotation\'s grace period).' },
];

/** The envelope's schema with one event type's data. */
function envelope(type: string, data: Schema): Schema {
  return obj({ id: uuid, type: { type: 'string', const: type }, createdAt: time, tenantId: uuid, data }, `The ${type} event.`);
}

/** OpenAPI 3.1 `webhooks`: one entry per event type, with its envelope, headers and an example. */
export function webhookEvents(): { webhooks: Record<string, Schema>; schemas: Record<string, Schema> } {
  const webhooks: Record<string, Schema> = {};
  const schemas: Record<string, Schema> = {};
  for (const [type, e] of Object.entries(EVENTS)) {
    const name = `Event_${type.replace(/[._](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase())}`;
    schemas[name] = envelope(type, e.data);
    webhooks[type] = {
      post: {
        summary: e.summary,
        description: 'POSTed to every enabled endpoint of the tenant that asks for this type (and, with a campaign filter, for this campaign), signed the Standard Webhooks way. Answer 2xx within 10 s; anything else is retried with exponential backoff for 3 days. Redirects are not followed.',
        tags: ['Webhooks'],
        parameters: HEADERS,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` }, example: { id: ID, type, createdAt: AT, tenantId: TENANT, data: e.example } } },
        },
        responses: { '2XX': { description: 'Received (the body is ignored; the first 1 KiB is kept in the delivery log).' } },
      },
    };
  }
  return { webhooks, schemas };
}
