import { mutate, queryRows, writeAudit, type DataSource, type EntityManager } from '@dialer/db';

type Db = DataSource | EntityManager;

/** An outbox row the relay has yet to turn into deliveries. */
export interface UnrelayedEvent {
  id: string;
  tenant_id: string;
  campaign_id: string | null;
  type: string;
}

/**
 * The oldest outbox rows not relayed yet, locked; rows another relay holds are skipped, so several
 * replicas relay side by side and never the same row at once.
 */
export async function lockUnrelayedEvents(m: EntityManager, limit: number): Promise<UnrelayedEvent[]> {
  return queryRows<UnrelayedEvent>(m,
    `SELECT id, tenant_id, campaign_id, type FROM outbound_events
      WHERE relayed_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`, [limit]);
}

export async function markEventsRelayed(m: EntityManager, ids: string[]): Promise<void> {
  await m.query(`UPDATE outbound_events SET relayed_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
}

/** The enabled endpoints of these tenants and what they listen to. */
export async function findEnabledEndpoints(db: Db, tenantIds: string[]): Promise<Array<{
  id: string; tenant_id: string; event_types: string[]; campaign_ids: string[] | null;
}>> {
  return queryRows(db,
    `SELECT id, tenant_id, event_types, campaign_ids FROM webhook_endpoints
      WHERE tenant_id = ANY($1::uuid[]) AND enabled AND deleted_at IS NULL`, [tenantIds]);
}

export interface DeliveryToEnqueue {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  redeliveries: number;
}

/**
 * One delivery per (event, endpoint), marked enqueued (the caller adds the jobs before it commits).
 * A pair that exists already (a relay that crashed after adding its jobs) is answered as it is.
 */
export async function insertDeliveries(
  m: EntityManager, rows: ReadonlyArray<{ tenantId: string; eventId: string; endpointId: string }>,
): Promise<void> {
  if (rows.length === 0) return;
  await m.query(
    `INSERT INTO webhook_deliveries (tenant_id, event_id, endpoint_id, enqueued)
     SELECT t, e, p, false FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS x(t, e, p)
     ON CONFLICT (event_id, endpoint_id) DO NOTHING`,
    [rows.map((r) => r.tenantId), rows.map((r) => r.eventId), rows.map((r) => r.endpointId)]);
}

/** Deliveries asked for again (manual redelivery, the test event) whose jobs are not added yet, locked, with their bodies. */
export async function lockDeliveriesToEnqueue(m: EntityManager, limit: number): Promise<Array<DeliveryToEnqueue & { body: string }>> {
  return queryRows(m,
    `SELECT d.id, d.tenant_id, d.endpoint_id, d.event_id, d.redeliveries, e.payload::text AS body
       FROM webhook_deliveries d JOIN outbound_events e ON e.id = d.event_id
      WHERE NOT d.enqueued ORDER BY d.created_at LIMIT $1 FOR UPDATE OF d SKIP LOCKED`, [limit]);
}

export async function markDeliveriesEnqueued(m: EntityManager, ids: string[]): Promise<void> {
  await m.query(`UPDATE webhook_deliveries SET enqueued = true WHERE id = ANY($1::uuid[])`, [ids]);
}

/** An endpoint as the delivery worker needs it (sealed secrets: the worker opens them). */
export interface EndpointRow {
  id: string;
  tenant_id: string;
  url: string;
  enabled: boolean;
  deleted: boolean;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
}

export async function findEndpointForDelivery(db: Db, id: string): Promise<EndpointRow | null> {
  return (await queryRows<EndpointRow>(db,
    `SELECT id, tenant_id, url, enabled, deleted_at IS NOT NULL AS deleted, secret_sealed, previous_secret_sealed,
            previous_secret_expires_at, failing_since
       FROM webhook_endpoints WHERE id = $1`, [id]))[0] ?? null;
}

/** One attempt's result. */
export interface AttemptResult {
  deliveryId: string;
  tenantId: string;
  ok: boolean;
  /** The delivery is given up (3 days of failures, or its endpoint is gone). */
  final: boolean;
  statusCode: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
  at: Date;
}

/**
 * Records attempts (any number, one statement): the delivery's state moves (succeeded, failed for
 * good, or still pending) and the attempt joins its log.
 */
export async function recordAttempts(db: Db, rs: readonly AttemptResult[]): Promise<void> {
  if (rs.length === 0) return;
  await db.query(
    `WITH r AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bool[], $4::bool[], $5::int[], $6::int[], $7::text[], $8::text[], $9::timestamptz[])
         AS r(delivery_id, tenant_id, ok, final, status_code, latency_ms, excerpt, error, at)
     ), upd AS (
       UPDATE webhook_deliveries d
          SET attempts = d.attempts + 1, last_status_code = r.status_code, last_error = r.error,
              first_attempt_at = COALESCE(d.first_attempt_at, r.at), last_attempt_at = r.at,
              delivered_at = CASE WHEN r.ok THEN r.at ELSE d.delivered_at END,
              status = CASE WHEN r.ok OR d.status = 'succeeded' THEN 'succeeded' WHEN r.final THEN 'failed' ELSE 'pending' END
         FROM r WHERE d.id = r.delivery_id
       RETURNING d.id, d.attempts
     )
     INSERT INTO webhook_delivery_attempts (tenant_id, delivery_id, attempt_no, status_code, latency_ms, response_excerpt, error, created_at)
     SELECT r.tenant_id, r.delivery_id, upd.attempts, r.status_code, r.latency_ms, r.excerpt, r.error, r.at
       FROM r JOIN upd ON upd.id = r.delivery_id`,
    [rs.map((r) => r.deliveryId), rs.map((r) => r.tenantId), rs.map((r) => r.ok), rs.map((r) => r.final),
      rs.map((r) => r.statusCode), rs.map((r) => r.latencyMs), rs.map((r) => r.excerpt), rs.map((r) => r.error),
      rs.map((r) => r.at.toISOString())]);
}

/** A success ends an endpoint's failing streak. */
export async function clearEndpointFailing(db: Db, id: string): Promise<void> {
  await db.query(`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, [id]);
}

/** A failure starts (or continues) the endpoint's failing streak; when it started. */
export async function markEndpointFailing(db: Db, id: string): Promise<Date | null> {
  const { rows } = await mutate<{ failing_since: Date }>(db,
    `UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, now()) WHERE id = $1 RETURNING failing_since`, [id]);
  return rows[0]?.failing_since ?? null;
}

/** Disables an endpoint that failed too long, with the reason shown on it, audited; false when it was not enabled. */
export async function disableEndpoint(ds: DataSource, id: string, reason: string): Promise<boolean> {
  return ds.transaction(async (m) => {
    const { rows } = await mutate<{ tenant_id: string }>(m,
      `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, disabled_at = now(), updated_at = now()
        WHERE id = $1 AND enabled RETURNING tenant_id`, [id, reason]);
    const row = rows[0];
    if (!row) return false;
    await writeAudit(m, {
      tenantId: row.tenant_id, apiKeyId: null, action: 'webhook_endpoint.disable', entityType: 'webhook_endpoint', entityId: id,
      after: { enabled: false, disabledReason: reason },
    });
    return true;
  });
}
