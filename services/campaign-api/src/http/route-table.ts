import { ApiKey, ApiKeyPage, CreatedApiKey, CreateApiKeyDto, ListApiKeysQuery } from '../api-keys/api-key.dto';
import { AuditPage, ListAuditQuery } from '../audit/audit.dto';
import { Callback, CallbackPage, ListCallbacksQuery, RequestCallbackDto } from '../callbacks/callback.dto';
import { CallAttemptPage, CallDetail, ListCallsQuery } from '../calls/call.dto';
import { Consent, ConsentHistory, PutConsentDto, RevokeConsentDto } from '../consent/consent.dto';
import {
  AddCallerIdDto, CallerId, CallerIdPool, CallerIdStats, CallerIdStatsQuery, UpdateCallerIdDto, UpdateCallerIdPoolDto,
} from '../caller-ids/caller-id.dto';
import {
  Campaign, CampaignPage, CampaignWithWarnings, ClonedCampaign, CloneCampaignDto, CreateCampaignDto, ListCampaignsQuery, PreDialSecret, SchedulePreview, SchedulePreviewQuery,
  UpdateCampaignDto,
} from '../campaigns/campaign.dto';
import { DispositionDto } from '../dispositions/disposition.dto';
import { DncCheckResult, DncEntry, DncImportResult, DncPage } from '../dnc/dnc.dto';
import { AddDncDto, CheckDncDto, DncScopeQuery, ListDncQuery, RemoveDncQuery } from '../dnc/dnc.routes';
import { CsvImportResult, ImportDetail, ImportJob, ImportPage, ImportPreview, ImportPreviewQuery } from '../imports/import.dto';
import { AddLeadsDto, AddLeadsResult, LeadPage, ListLeadsQuery } from '../leads/lead.dto';
import { LeadRecord, SearchLeadsQuery, UpdateLeadDto } from '../leads/lead-record.dto';
import {
  ExotelConnectionDto, ProviderConnection, ProviderConnectionPage, TwilioConnectionDto, UpdateProviderConnectionDto, VapiConnectionDto,
} from '../provider-connections/provider-connection.dto';
import { Analytics, AnalyticsQuery, CampaignStats, RecountResult, TimeSeries, TimeSeriesQuery } from '../stats/stats.dto';
import {
  AcceptInviteDto, InvitedUser, InviteUserDto, LoginDto, SessionView, UpdateUserDto, UserLink, UserPage, UserView,
} from '../users/user.dto';
import { ListPurgesQuery, PurgeRunPage, TenantView, UpdateTenantDto } from '../tenants/tenant.dto';
import { ERASURE_EXAMPLE, EraseDto, ErasurePage, ErasureView, ListErasuresQuery } from '../erasures/erasure.dto';
import {
  CreatedWebhookEndpoint, CreateWebhookEndpointDto, ListDeliveriesQuery, RedeliverDto, RedeliveryResult, RotatedWebhookSecret, UpdateWebhookEndpointDto,
  WebhookDeliveryPage, WebhookEndpoint, WebhookEndpointPage, WebhookTestResult,
} from '../webhook-endpoints/webhook-endpoint.dto';
import type { Access } from './permissions';

type DtoClass = new (...args: any[]) => object;
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One route of /v1: what it needs (permission) and what the OpenAPI document says of it. */
export interface RouteSpec {
  method: HttpMethod;
  /** Exactly as registered on the router (express syntax, relative to /v1). */
  path: string;
  /** The permission it needs, or `session` (a signed-in person) or `public` (no credentials). */
  permission: Access;
  tag: string;
  summary: string;
  /** JSON body DTO(s) (several: oneOf). */
  body?: DtoClass | DtoClass[];
  /** A non-JSON body: its media type. */
  bodyType?: 'text/csv' | 'multipart/form-data';
  query?: DtoClass;
  /** Success status (default 200) and its media type (default application/json). */
  status?: number;
  produces?: 'application/json' | 'text/csv' | 'text/event-stream' | 'none';
  /** Extra error statuses this route answers (401, 403, 429 and 400/404 are derived). */
  errors?: number[];
  /** An example request body. */
  example?: unknown;
  /** Takes an Idempotency-Key header. */
  idempotent?: boolean;
  /** Takes an If-Match header (the ETag of the resource). */
  ifMatch?: boolean;
  /** The JSON success body: a response class (its schema is components.schemas[class name]). */
  response?: DtoClass;
  /** Other success statuses and their JSON bodies (e.g. 200 for a preview of a 202 upload). */
  alsoResponds?: Record<number, DtoClass>;
  /** This route's own error examples by status, where the derived or generic ones do not fit (409, 415, …). */
  errorExamples?: Record<number, Array<{ code: string; message: string }>>;
}

type Examples = Record<number, Array<{ code: string; message: string }>>;

const IDEMPOTENCY_409: Examples = { 409: [{ code: 'idempotency_in_progress', message: 'a request with this Idempotency-Key is still running; retry later' }] };
const CLOSED_TO_LEADS_409 = { code: 'invalid_state', message: 'leads cannot be added to a completed campaign' };
const CSV_415 = { code: 'unsupported_media_type', message: 'send the CSV as the request body with Content-Type: text/csv' };

const CAMPAIGN_EXAMPLE = {
  name: 'Spring follow-up', providerConnectionId: '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10', maxConcurrentCalls: 10,
  maxAttempts: 3, complianceMode: 'standard',
  callingWindow: { start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] },
};

/**
 * Every /v1 route. The access middleware refuses a request whose route is not here, and a test
 * compares this table with the routes registered on the router, both ways.
 */
export const ROUTE_TABLE: readonly RouteSpec[] = [
  // a person's session (dashboard)
  { method: 'post', path: '/auth/login', permission: 'public', tag: 'Sessions', summary: 'Sign in with email and password: sets the HttpOnly session cookie and answers the CSRF token for writes', body: LoginDto, response: SessionView, example: { email: 'ada@example.com', password: 'correct horse battery' }, errors: [401, 403] },
  { method: 'get', path: '/auth/session', permission: 'session', tag: 'Sessions', summary: 'The signed-in person: user, tenant, permissions and the CSRF token (X-CSRF-Token) of the session', response: SessionView },
  { method: 'post', path: '/auth/logout', permission: 'session', tag: 'Sessions', summary: 'Sign out: the session ends at once', status: 204, produces: 'none' },
  { method: 'post', path: '/auth/accept-invite', permission: 'public', tag: 'Sessions', summary: 'Set the password from an invitation or reset link, and sign in', body: AcceptInviteDto, response: SessionView, example: { token: 'the-token-of-the-link', password: 'correct horse battery', name: 'Ada Lovelace' } },
  // users (admins)
  { method: 'get', path: '/users', permission: 'users:manage', tag: 'Users', summary: 'The team\'s users (email, name, role, active, invitation accepted, last sign-in)', response: UserPage },
  { method: 'post', path: '/users/invitations', permission: 'users:manage', tag: 'Users', summary: 'Invite a person: a one-time link, valid 72 h, that sets their password', body: InviteUserDto, response: InvitedUser, status: 201, example: { email: 'grace@example.com', role: 'manager', name: 'Grace Hopper' }, errors: [409], errorExamples: { 409: [{ code: 'user_exists', message: 'a user with the email grace@example.com exists already' }] } },
  { method: 'patch', path: '/users/:id', permission: 'users:manage', tag: 'Users', summary: 'Change a user\'s role or name, deactivate or reactivate them (takes effect on their next request)', body: UpdateUserDto, response: UserView, example: { role: 'viewer' }, errors: [409], errorExamples: { 409: [{ code: 'last_admin', message: 'this is the last active admin of the team: make someone else admin first' }] } },
  { method: 'post', path: '/users/:id/reset-password', permission: 'users:manage', tag: 'Users', summary: 'A new one-time link (72 h) that sets the user\'s password', response: UserLink, errors: [409], errorExamples: { 409: [{ code: 'invalid_state', message: 'the user is deactivated: activate them first' }] } },
  // the tenant
  { method: 'get', path: '/tenant', permission: 'campaigns:read', tag: 'Tenant', summary: 'The caller\'s tenant: its name, the country assumed for numbers written without a country code, and how long its data is kept', response: TenantView },
  { method: 'patch', path: '/tenant', permission: 'tenant:manage', tag: 'Tenant', summary: 'Change the tenant\'s default country (campaigns created afterwards inherit it) and its retention settings (days; null keeps forever)', body: UpdateTenantDto, example: { defaultCountry: 'IN', retention: { callDataDays: 90, webhookEventsDays: 30 } }, response: TenantView },
  { method: 'get', path: '/tenant/purges', permission: 'tenant:manage', tag: 'Tenant', summary: 'What the daily retention purge removed, run by run (newest first)', query: ListPurgesQuery, response: PurgeRunPage },
  { method: 'post', path: '/erasures', permission: 'tenant:manage', tag: 'Tenant', summary: 'Erase a person (phone and/or email) across the tenant: leads, calls, events, callbacks, imports and audit snapshots; the number stays on the DNC list as a hash when the person asked not to be called', body: EraseDto, status: 201, example: ERASURE_EXAMPLE, response: ErasureView, errors: [409], errorExamples: { 409: [{ code: 'erasure_call_live', message: 'a call to this person is being placed or settled right now; the number is on the DNC list already, so no new call starts: retry the erasure once it has ended (usually within minutes)' }] } },
  { method: 'get', path: '/erasures', permission: 'tenant:manage', tag: 'Tenant', summary: 'The tenant\'s erasures, newest first: counts per table, no personal data', query: ListErasuresQuery, response: ErasurePage },
  // API keys
  { method: 'post', path: '/api-keys', permission: 'keys:manage', tag: 'API keys', summary: 'Create an API key (the key is shown only in this answer)', body: CreateApiKeyDto, status: 201, example: { name: 'dashboard', role: 'viewer' }, response: CreatedApiKey },
  { method: 'get', path: '/api-keys', permission: 'keys:manage', tag: 'API keys', summary: 'List the tenant\'s API keys (prefix, role, created, last used, revoked)', query: ListApiKeysQuery, response: ApiKeyPage },
  { method: 'post', path: '/api-keys/:id/revoke', permission: 'keys:manage', tag: 'API keys', summary: 'Revoke an API key (at once, for good)', errors: [409], response: ApiKey, errorExamples: { 409: [{ code: 'invalid_state', message: 'the API key is already revoked' }] } },
  // audit
  { method: 'get', path: '/audit-log', permission: 'audit:read', tag: 'Audit', summary: 'Audit log: who (key), what, when, before and after; newest first', query: ListAuditQuery, response: AuditPage },
  // provider connections
  { method: 'post', path: '/provider-connections', permission: 'connections:write', tag: 'Provider connections', summary: 'Create a Twilio, Vapi or Exotel connection (credentials stored encrypted, never returned)', body: [TwilioConnectionDto, VapiConnectionDto, ExotelConnectionDto], status: 201, example: { name: 'sim', type: 'twilio', baseUrl: 'http://127.0.0.1:3010', accountSid: 'AC123', authToken: 'secret', fromNumber: '+14155550100' }, response: ProviderConnection },
  { method: 'get', path: '/provider-connections', permission: 'connections:read', tag: 'Provider connections', summary: 'List provider connections', response: ProviderConnectionPage },
  { method: 'get', path: '/provider-connections/:id', permission: 'connections:read', tag: 'Provider connections', summary: 'Read a provider connection', response: ProviderConnection },
  { method: 'patch', path: '/provider-connections/:id', permission: 'connections:write', tag: 'Provider connections', summary: 'Change a connection\'s concurrency budget (maxConcurrentCalls, reservedCalls, accountKey); running dialers apply it within about a second', body: UpdateProviderConnectionDto, example: { maxConcurrentCalls: 40, reservedCalls: 5 }, response: ProviderConnection },
  // caller-id pools of provider connections and campaigns (a campaign's overrides its connection's)
  ...callerIdRoutes('/provider-connections', 'connections:read', 'connections:write', 'Provider connections', 'connection'),
  ...callerIdRoutes('/campaigns', 'campaigns:read', 'campaigns:write', 'Campaigns', 'campaign'),
  // outbound event webhooks
  { method: 'post', path: '/webhook-endpoints', permission: 'webhooks:write', tag: 'Webhooks', summary: 'Add an endpoint that receives the tenant\'s events, signed (Standard Webhooks); its secret is in this answer only', body: CreateWebhookEndpointDto, status: 201, example: { url: 'https://crm.example.com/hooks/dialer', description: 'CRM sync', eventTypes: ['call.ended', 'lead.qualified'] }, response: CreatedWebhookEndpoint },
  { method: 'get', path: '/webhook-endpoints', permission: 'webhooks:read', tag: 'Webhooks', summary: 'List the tenant\'s webhook endpoints (never their secrets)', response: WebhookEndpointPage },
  { method: 'get', path: '/webhook-endpoints/:id', permission: 'webhooks:read', tag: 'Webhooks', summary: 'Read a webhook endpoint (why it was disabled, since when it fails)', response: WebhookEndpoint },
  { method: 'patch', path: '/webhook-endpoints/:id', permission: 'webhooks:write', tag: 'Webhooks', summary: 'Change an endpoint: URL, event types, campaign filter, enabled', body: UpdateWebhookEndpointDto, example: { enabled: true }, response: WebhookEndpoint },
  { method: 'delete', path: '/webhook-endpoints/:id', permission: 'webhooks:write', tag: 'Webhooks', summary: 'Delete an endpoint: nothing more is sent to it', status: 204, produces: 'none' },
  { method: 'post', path: '/webhook-endpoints/:id/rotate-secret', permission: 'webhooks:write', tag: 'Webhooks', summary: 'Rotate the signing secret: the new one is in this answer only; the old one signs too for 24 h', response: RotatedWebhookSecret },
  { method: 'get', path: '/webhook-endpoints/:id/deliveries', permission: 'webhooks:read', tag: 'Webhooks', summary: 'The endpoint\'s delivery log, newest first: state, tries, status codes, latency, answer excerpts', query: ListDeliveriesQuery, response: WebhookDeliveryPage },
  { method: 'post', path: '/webhook-endpoints/:id/deliveries/:deliveryId/redeliver', permission: 'webhooks:write', tag: 'Webhooks', summary: 'Send one delivery again (same event id)', status: 202, response: RedeliveryResult },
  { method: 'post', path: '/webhook-endpoints/:id/redeliver', permission: 'webhooks:write', tag: 'Webhooks', summary: 'Send again every delivery of the endpoint given up since a time', body: RedeliverDto, status: 202, example: { since: '2026-03-02T00:00:00.000Z' }, response: RedeliveryResult },
  { method: 'post', path: '/webhook-endpoints/:id/test', permission: 'webhooks:write', tag: 'Webhooks', summary: 'Send a webhook.test event to this endpoint', status: 202, response: WebhookTestResult },
  // campaigns
  { method: 'post', path: '/campaigns', permission: 'campaigns:write', tag: 'Campaigns', summary: 'Create a campaign (draft); the answer carries warnings (window vs rule pack, …)', body: CreateCampaignDto, status: 201, example: CAMPAIGN_EXAMPLE, idempotent: true, errors: [409, 422], response: CampaignWithWarnings, errorExamples: IDEMPOTENCY_409 },
  { method: 'get', path: '/campaigns', permission: 'campaigns:read', tag: 'Campaigns', summary: 'List campaigns, newest first (filters: status, name, deleted)', query: ListCampaignsQuery, response: CampaignPage },
  { method: 'get', path: '/campaigns/:id', permission: 'campaigns:read', tag: 'Campaigns', summary: 'Read a campaign (ETag = its version)', response: Campaign },
  { method: 'patch', path: '/campaigns/:id', permission: 'campaigns:write', tag: 'Campaigns', summary: 'Update a campaign (If-Match: the ETag read; 412 when it moved on)', body: UpdateCampaignDto, example: { maxConcurrentCalls: 20 }, ifMatch: true, errors: [409, 412], response: CampaignWithWarnings, errorExamples: { 409: [
    { code: 'conflict', message: 'the campaign was changed by another request; read it again and retry' },
    { code: 'invalid_state', message: 'a completed campaign cannot be changed' },
  ] } },
  { method: 'delete', path: '/campaigns/:id', permission: 'campaigns:write', tag: 'Campaigns', summary: 'Soft-delete a campaign (not while running); restore with POST …/restore', status: 204, produces: 'none', ifMatch: true, errors: [409, 412], errorExamples: { 409: [{ code: 'invalid_state', message: 'a running campaign must be stopped before it is deleted' }] } },
  { method: 'post', path: '/campaigns/:id/restore', permission: 'campaigns:write', tag: 'Campaigns', summary: 'Restore a soft-deleted campaign', errors: [409], response: Campaign, errorExamples: { 409: [{ code: 'invalid_state', message: 'the campaign is not deleted' }] } },
  { method: 'post', path: '/campaigns/:id/pre-dial/rotate-secret', permission: 'campaigns:write', tag: 'Campaigns', summary: 'A new signing secret for the campaign\'s pre-dial hook, in effect at once and shown once; audited', errors: [409], response: PreDialSecret, errorExamples: { 409: [{ code: 'no_pre_dial_hook', message: 'the campaign has no pre-dial hook: set preDial first' }] } },
  { method: 'post', path: '/campaigns/:id/clone', permission: 'campaigns:write', tag: 'Campaigns', summary: 'Clone a campaign\'s settings as a new draft, optionally with its leads (reset to pending)', body: CloneCampaignDto, status: 201, example: { name: 'Spring follow-up (2)', includeLeads: true }, idempotent: true, errors: [409, 422], response: ClonedCampaign, errorExamples: IDEMPOTENCY_409 },
  { method: 'get', path: '/campaigns/:id/schedule-preview', permission: 'campaigns:read', tag: 'Campaigns', summary: 'Hour by hour: how many open leads may be called', query: SchedulePreviewQuery, response: SchedulePreview },
  { method: 'post', path: '/campaigns/:id/:command', permission: 'campaigns:operate', tag: 'Campaigns', summary: 'Run a status command: start, schedule, pause, resume, stop, cancel', errors: [409], response: CampaignWithWarnings, errorExamples: { 409: [
    { code: 'invalid_transition', message: 'cannot resume a campaign that is draft' },
    { code: 'provider_connection_required', message: 'a campaign needs a providerConnectionId before it can start' },
    { code: 'schedule_required', message: 'a campaign needs scheduledStartAt before it can be scheduled' },
    { code: 'no_leads', message: 'the campaign has no leads: add them first (POST /v1/campaigns/:id/imports or …/leads)' },
    { code: 'nothing_callable', message: 'nothing can ever be called: the IN-PROMO rule pack (India, promotional calls (default for Indian numbers)) allows 10:00–21:00 every day; the campaign\'s window 06:00–07:00 every day never overlaps it' },
  ] } },
  // leads and imports
  { method: 'post', path: '/campaigns/:id/leads', permission: 'leads:write', tag: 'Leads', summary: 'Add leads (JSON); per-row errors', body: AddLeadsDto, status: 201, example: { leads: [{ phone: '+14155552671', firstName: 'Ada', custom: { plan: 'gold' } }] }, errors: [409], response: AddLeadsResult, errorExamples: { 409: [CLOSED_TO_LEADS_409] } },
  { method: 'post', path: '/campaigns/:id/leads/csv', permission: 'leads:write', tag: 'Leads', summary: 'Import a CSV body synchronously (text/csv)', bodyType: 'text/csv', status: 201, example: 'phone,first_name\n+14155552671,Ada\n', errors: [409, 413, 415], response: CsvImportResult, errorExamples: {
    409: [CLOSED_TO_LEADS_409],
    415: [CSV_415, { code: 'unsupported_media_type', message: 'this route takes the CSV itself as the body (Content-Type: text/csv); send multipart uploads to POST /v1/campaigns/7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10/imports' }],
  } },
  { method: 'get', path: '/campaigns/:id/leads', permission: 'leads:read', tag: 'Leads', summary: 'List leads (filters: status, disposition, phone prefix, typed lead-schema fields: filter=budget>=5000000)', query: ListLeadsQuery, response: LeadPage },
  { method: 'get', path: '/campaigns/:id/leads/template.csv', permission: 'leads:read', tag: 'Leads', summary: 'A sample CSV for this campaign: phone, name, email and its lead schema\'s fields, with a row that imports back (no schema: the generic template)', produces: 'text/csv' },
  { method: 'get', path: '/campaigns/:id/leads.csv', permission: 'leads:read', tag: 'Leads', summary: 'Export the campaign\'s leads as CSV (streamed): final outcome, attempts, last call, qualification and one custom.<name> column per custom field; cells safe for spreadsheets', produces: 'text/csv' },
  { method: 'get', path: '/leads', permission: 'leads:read', tag: 'Leads', summary: 'Search the tenant\'s leads across campaigns: q matches names, email or a phone number in any format (a partial number matches its digits); filters campaignId and status; oldest first', query: SearchLeadsQuery, response: LeadPage },
  { method: 'get', path: '/leads/:id', permission: 'leads:read', tag: 'Leads', summary: 'Read a lead with its call attempts and their outcomes', response: LeadRecord },
  { method: 'patch', path: '/leads/:id', permission: 'leads:write', tag: 'Leads', summary: 'Edit a lead (name, email, phone, custom fields, timezone): a new phone is re-normalized, its zones and DNC answer derived again; audited', body: UpdateLeadDto, example: { firstName: 'Ada', phone: '(415) 555-2671' }, errors: [409], response: LeadRecord, errorExamples: { 409: [
    { code: 'lead_in_call', message: 'the lead is being dialled (dialing): it can be edited once its call has ended' },
    { code: 'duplicate_phone', message: 'another lead of the campaign has this number' },
  ] } },
  { method: 'delete', path: '/leads/:id', permission: 'leads:write', tag: 'Leads', summary: 'Remove a lead from dialing (soft delete: hidden from reads, its calls and the campaign\'s stats kept); audited', status: 204, produces: 'none', errors: [409], errorExamples: { 409: [{ code: 'lead_in_call', message: 'the lead is being dialled (queued): it can be removed once its call has ended' }] } },
  { method: 'post', path: '/leads/:id/callback', permission: 'leads:write', tag: 'Leads', summary: 'Ask for a callback at callbackAt: replaces the retry time (and a pending callback); moved to the next legal moment when outside the callee\'s calling window; counts as an attempt; audited', body: RequestCallbackDto, example: { callbackAt: '2026-03-03T17:30:00-08:00' }, status: 201, errors: [409], response: Callback, errorExamples: { 409: [
    { code: 'callback_refused', message: 'the lead has made all 3 attempts the campaign allows: raise maxAttempts to call it again' },
    { code: 'callback_refused', message: 'the lead is being dialled (dialing): ask for the callback once its call has ended' },
  ] } },
  { method: 'delete', path: '/leads/:id/callback', permission: 'leads:write', tag: 'Leads', summary: 'Cancel the lead\'s pending callback: what it replaced (its retry time, or a reopened lead\'s end) is restored; audited', status: 204, produces: 'none', errors: [409], errorExamples: { 409: [{ code: 'lead_in_call', message: 'the lead is being dialled (queued): its callback is being made' }] } },
  { method: 'get', path: '/leads/:id/consent', permission: 'leads:read', tag: 'Leads', summary: 'The lead\'s consent: its current record (possibly revoked) and every record it had', response: ConsentHistory },
  { method: 'put', path: '/leads/:id/consent', permission: 'leads:write', tag: 'Leads', summary: 'Record the lead\'s consent (type, when, source, text or version): supersedes the current record, which is kept; a lead that ended no_consent and now meets its campaign\'s consentRequired is pending again; audited', body: PutConsentDto, example: { type: 'express_written', grantedAt: '2026-02-14T10:30:00Z', source: 'https://example.com/forms/contact-me', text: 'TCPA disclosure v3' }, response: Consent },
  { method: 'delete', path: '/leads/:id/consent', permission: 'leads:write', tag: 'Leads', summary: 'Revoke the lead\'s consent, with a reason: takes effect at once (a queued lead of a campaign that requires consent is not dialled); the record is kept, marked revoked; audited', body: RevokeConsentDto, example: { reason: 'asked on the call not to be contacted again' }, response: Consent },
  { method: 'get', path: '/campaigns/:id/callbacks', permission: 'leads:read', tag: 'Leads', summary: 'The campaign\'s upcoming callbacks, soonest first, each with the callee\'s zone and local time', query: ListCallbacksQuery, response: CallbackPage },
  { method: 'get', path: '/imports/template.csv', permission: 'leads:read', tag: 'Imports', summary: 'A sample CSV with the recognised columns', produces: 'text/csv' },
  { method: 'post', path: '/campaigns/:id/imports', permission: 'leads:write', tag: 'Imports', summary: 'Upload a CSV (multipart field "file", optional "mapping"): 202 and an import processed in the background; ?preview=true inspects only', bodyType: 'multipart/form-data', status: 202, idempotent: true, errors: [409, 413, 415, 422], response: ImportJob, alsoResponds: { 200: ImportPreview }, errorExamples: {
    409: [CLOSED_TO_LEADS_409, ...IDEMPOTENCY_409[409]!],
    415: [{ code: 'unsupported_media_type', message: 'send the file as multipart/form-data (field "file"; optional "mapping" and "preview")' }],
  } },
  { method: 'post', path: '/imports/preview', permission: 'leads:write', tag: 'Imports', summary: 'Preview a CSV before any campaign exists (multipart field "file", optional "mapping"): encoding, delimiter, headers, suggested mapping, sample rows and errors; writes nothing', bodyType: 'multipart/form-data', query: ImportPreviewQuery, response: ImportPreview, errors: [413, 415] },
  { method: 'get', path: '/campaigns/:id/imports', permission: 'leads:read', tag: 'Imports', summary: 'A campaign\'s imports, newest first', response: ImportPage },
  { method: 'get', path: '/imports/:id', permission: 'leads:read', tag: 'Imports', summary: 'An import\'s status, progress and first report lines', response: ImportDetail },
  { method: 'get', path: '/imports/:id/errors.csv', permission: 'leads:read', tag: 'Imports', summary: 'The per-row error report', produces: 'text/csv' },
  { method: 'post', path: '/imports/:id/cancel', permission: 'leads:write', tag: 'Imports', summary: 'Cancel a pending or running import', errors: [409], response: ImportJob, errorExamples: { 409: [{ code: 'invalid_state', message: 'a completed import cannot be cancelled' }] } },
  { method: 'post', path: '/imports/:id/resume', permission: 'leads:write', tag: 'Imports', summary: 'Resume a failed import', status: 202, errors: [409], response: ImportJob, errorExamples: { 409: [{ code: 'invalid_state', message: 'a completed import cannot be resumed (only a failed one)' }] } },
  // calls
  { method: 'get', path: '/campaigns/:id/calls', permission: 'calls:read', tag: 'Calls', summary: 'List a campaign\'s calls, newest first (filters: outcome, from, to, leadId)', query: ListCallsQuery, response: CallAttemptPage },
  { method: 'get', path: '/call-attempts/:id', permission: 'calls:read', tag: 'Calls', summary: 'Read one call: outcome, analysis, recording, transcript, manual disposition', response: CallDetail },
  { method: 'post', path: '/call-attempts/:id/disposition', permission: 'calls:write', tag: 'Calls', summary: 'A person\'s disposition of a call', body: DispositionDto, example: { disposition: 'callback_requested', qualified: true }, response: CallDetail },
  // stats
  { method: 'get', path: '/campaigns/:id/stats', permission: 'stats:read', tag: 'Stats', summary: 'Campaign stats from maintained counters', response: CampaignStats },
  { method: 'get', path: '/campaigns/:id/stats/timeseries', permission: 'stats:read', tag: 'Stats', summary: 'Per-minute or per-hour points', query: TimeSeriesQuery, response: TimeSeries },
  { method: 'post', path: '/campaigns/:id/stats/recount', permission: 'stats:recount', tag: 'Stats', summary: 'Recompute the stats and list differing counters (admin)', response: RecountResult },
  { method: 'get', path: '/campaigns/:id/events', permission: 'stats:read', tag: 'Stats', summary: 'Live progress as Server-Sent Events', produces: 'text/event-stream', errors: [503] },
  { method: 'get', path: '/analytics', permission: 'stats:read', tag: 'Stats', summary: 'Calls across the tenant\'s campaigns, grouped', query: AnalyticsQuery, response: Analytics },
  // DNC
  { method: 'post', path: '/dnc', permission: 'dnc:write', tag: 'DNC', summary: 'Add a number to the tenant\'s or a campaign\'s DNC list', body: AddDncDto, status: 201, example: { phone: '+14155552671', reason: 'asked' }, response: DncEntry, alsoResponds: { 200: DncEntry } },
  { method: 'get', path: '/dnc', permission: 'dnc:read', tag: 'DNC', summary: 'List DNC entries', query: ListDncQuery, response: DncPage },
  { method: 'post', path: '/dnc/check', permission: 'dnc:read', tag: 'DNC', summary: 'Which of these numbers may not be called', body: CheckDncDto, example: { phones: ['+14155552671'] }, response: DncCheckResult },
  { method: 'post', path: '/dnc/csv', permission: 'dnc:write', tag: 'DNC', summary: 'Bulk add from CSV (text/csv, streamed)', bodyType: 'text/csv', query: DncScopeQuery, example: 'phone\n+14155552671\n', errors: [415], response: DncImportResult, errorExamples: { 415: [CSV_415] } },
  { method: 'delete', path: '/dnc', permission: 'dnc:write', tag: 'DNC', summary: 'Remove a number (by phone)', query: RemoveDncQuery, status: 204, produces: 'none' },
  { method: 'delete', path: '/dnc/:id', permission: 'dnc:write', tag: 'DNC', summary: 'Remove a DNC entry', status: 204, produces: 'none' },
];

/** The six caller-id pool routes of one owner (a provider connection or a campaign). */
function callerIdRoutes(base: string, read: Access, write: Access, tag: string, what: string): RouteSpec[] {
  const dup = { 409: [{ code: 'duplicate_caller_id', message: 'the pool has +14155550100 already' }, { code: 'pool_full', message: 'a caller-id pool holds at most 1000 numbers' }] };
  return [
    { method: 'get', path: `${base}/:id/caller-ids`, permission: read, tag, summary: `The ${what}'s caller-id pool: its numbers and whether it is pool only`, response: CallerIdPool },
    { method: 'post', path: `${base}/:id/caller-ids`, permission: write, tag, summary: `Add a caller id to the ${what}'s pool (local presence: calls go out from a number with the callee's area code, else their state, else the pool's default, least used today); audited`, body: AddCallerIdDto, status: 201, example: { number: '+14155550100', dailyCap: 200, cooldownSeconds: 30 }, errors: [409], response: CallerId, errorExamples: dup },
    { method: 'patch', path: `${base}/:id/caller-ids`, permission: write, tag, summary: `Set the ${what}'s pool to pool only (calls wait when no number is usable) or not (they use the fixed caller id); audited`, body: UpdateCallerIdPoolDto, example: { poolOnly: true }, response: CallerIdPool },
    { method: 'get', path: `${base}/:id/caller-ids/stats`, permission: 'stats:read', tag, summary: `Calls by caller id of the ${what}'s pool (calls, connected, connect rate, short calls) and the spam-label flag`, query: CallerIdStatsQuery, response: CallerIdStats },
    { method: 'patch', path: `${base}/:id/caller-ids/:callerId`, permission: write, tag, summary: 'Pause or resume a caller id, change its daily cap, cool-down or default mark; audited', body: UpdateCallerIdDto, example: { paused: true }, response: CallerId },
    { method: 'delete', path: `${base}/:id/caller-ids/:callerId`, permission: write, tag, summary: 'Remove a caller id from the pool (its past calls keep it); audited', status: 204, produces: 'none' },
  ];
}

interface CompiledRoute {
  spec: RouteSpec;
  re: RegExp;
  params: number;
}

function compile(spec: RouteSpec): CompiledRoute {
  const segments = spec.path.split('/').filter(Boolean);
  const re = new RegExp(`^/${segments.map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`);
  return { spec, re, params: segments.filter((s) => s.startsWith(':')).length };
}

// Literal routes before parameterised ones (/campaigns/:id/leads before /campaigns/:id/:command).
const COMPILED = ROUTE_TABLE.map(compile).sort((a, b) => a.params - b.params);

/** The table entry for a request (path relative to /v1), or undefined. */
export function matchRoute(method: string, path: string): RouteSpec | undefined {
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  return COMPILED.find((c) => c.spec.method === m && c.re.test(path))?.spec;
}
