import { mutate, queryRows, type DataSource, type EntityManager } from '@dialer/db';

type Db = DataSource | EntityManager;

/** An endpoint as stored, without its sealed secrets. */
export interface EndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  description: string;
  event_types: string[];
  campaign_ids: string[] | null;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, tenant_id, url, description, event_types, campaign_ids, enabled, disabled_reason, failing_since,
  previous_secret_expires_at, created_at, updated_at`;

export async function insertEndpoint(m: EntityManager, e: {
  tenantId: string; url: string; description: string; eventTypes: string[]; campaignIds: string[] | null; enabled: boolean; secretSealed: string;
}): Promise<EndpointRow> {
  return (await queryRows<EndpointRow>(m,
    `INSERT INTO webhook_endpoints (tenant_id, url, description, event_types, campaign_ids, enabled, secret_sealed)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [e.tenantId, e.url, e.description, e.eventTypes, e.campaignIds, e.enabled, e.secretSealed]))[0]!;
}

export async function findEndpoint(db: Db, tenantId: string, id: string, lock = false): Promise<EndpointRow | null> {
  return (await queryRows<EndpointRow>(db,
    `SELECT ${COLUMNS} FROM webhook_endpoints WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
    [id, tenantId]))[0] ?? null;
}

export async function listEndpoints(db: Db, tenantId: string): Promise<EndpointRow[]> {
  return queryRows<EndpointRow>(db,
    `SELECT ${COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1000`, [tenantId]);
}

/** Writes the fields given (undefined: unchanged); enabling clears the disabled reason and the failing streak. */
export async function updateEndpoint(m: EntityManager, tenantId: string, id: string, c: {
  url?: string; description?: string; eventTypes?: string[]; campaignIds?: string[] | null; enabled?: boolean;
}): Promise<EndpointRow | null> {
  const { rows } = await mutate<EndpointRow>(m,
    `UPDATE webhook_endpoints SET
        url = COALESCE($3, url), description = COALESCE($4, description), event_types = COALESCE($5, event_types),
        campaign_ids = CASE WHEN $6::boolean THEN $7::uuid[] ELSE campaign_ids END,
        enabled = COALESCE($8, enabled),
        disabled_reason = CASE WHEN $8 THEN NULL ELSE disabled_reason END,
        disabled_at = CASE WHEN $8 THEN NULL ELSE disabled_at END,
        failing_since = CASE WHEN $8 AND NOT enabled THEN NULL ELSE failing_since END,
        updated_at = now()
      WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
    [id, tenantId, c.url ?? null, c.description ?? null, c.eventTypes ?? null, c.campaignIds !== undefined,
      c.campaignIds && c.campaignIds.length ? c.campaignIds : null, c.enabled ?? null]);
  return rows[0] ?? null;
}

export async function markEndpointDeleted(m: EntityManager, tenantId: string, id: string): Promise<boolean> {
  const { count } = await mutate(m,
    `UPDATE webhook_endpoints SET deleted_at = now(), enabled = false, updated_at = now() WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL`,
    [id, tenantId]);
  return count > 0;
}

/** The new secret signs; the current one becomes the previous one, signing too until `graceUntil`. */
export async function rotateEndpointSecret(m: EntityManager, tenantId: string, id: string, secretSealed: string, graceUntil: Date): Promise<EndpointRow | null> {
  const { rows } = await mutate<EndpointRow>(m,
    `UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed, previous_secret_expires_at = $4, secret_sealed = $3, updated_at = now()
      WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL RETURNING ${COLUMNS}`, [id, tenantId, secretSealed, graceUntil]);
  return rows[0] ?? null;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  redeliveries: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  recent_attempts: Array<{ attempt_no: number; status_code: number | null; latency_ms: number; response_excerpt: string | null; error: string | null; created_at: string }>;
}

/** An endpoint's deliveries, newest first, each with its last 10 attempts. */
export async function listDeliveries(db: Db, tenantId: string, endpointId: string, q: { status?: string; limit: number; cursor?: string }): Promise<DeliveryRow[]> {
  return queryRows<DeliveryRow>(db,
    `SELECT d.id, d.event_id, e.type AS event_type, d.status, d.attempts, d.redeliveries, d.last_status_code, d.last_error,
            e.created_at, d.delivered_at,
            COALESCE((SELECT json_agg(a ORDER BY a.id) FROM (
              SELECT id, attempt_no, status_code, latency_ms, response_excerpt, error, created_at FROM webhook_delivery_attempts
               WHERE delivery_id = d.id ORDER BY id DESC LIMIT 10) a), '[]'::json) AS recent_attempts
       FROM webhook_deliveries d JOIN outbound_events e ON e.id = d.event_id
      WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND ($3::text IS NULL OR d.status = $3)
        AND ($4::uuid IS NULL OR (d.created_at, d.id) < (SELECT created_at, id FROM webhook_deliveries WHERE id = $4 AND tenant_id = $1))
      ORDER BY d.created_at DESC, d.id DESC LIMIT $5`,
    [tenantId, endpointId, q.status ?? null, q.cursor ?? null, q.limit + 1]);
}

/** Asks for one delivery again (the relay adds its job); null when the endpoint has no such delivery. */
export async function requeueDelivery(m: EntityManager, tenantId: string, endpointId: string, deliveryId: string): Promise<boolean> {
  const { count } = await mutate(m,
    `UPDATE webhook_deliveries SET enqueued = false, redeliveries = redeliveries + 1, status = 'pending'
      WHERE id = $1 AND endpoint_id = $2 AND tenant_id = $3`, [deliveryId, endpointId, tenantId]);
  return count > 0;
}

/** Asks again for every delivery of the endpoint given up (failed) whose event was created at or after `since`; how many. */
export async function requeueFailedSince(m: EntityManager, tenantId: string, endpointId: string, since: Date): Promise<number> {
  const { count } = await mutate(m,
    `UPDATE webhook_deliveries d SET enqueued = false, redeliveries = d.redeliveries + 1, status = 'pending'
       FROM outbound_events e
      WHERE e.id = d.event_id AND d.endpoint_id = $1 AND d.tenant_id = $2 AND e.created_at >= $3
        AND d.status = 'failed'`, [endpointId, tenantId, since]);
  return count;
}

/** A delivery of one event to one endpoint, asked for now (the relay adds its job). */
export async function insertRequestedDelivery(m: EntityManager, tenantId: string, endpointId: string, eventId: string): Promise<string> {
  return (await queryRows<{ id: string }>(m,
    `INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, enqueued) VALUES ($1, $2, $3, false) RETURNING id`,
    [tenantId, endpointId, eventId]))[0]!.id;
}
