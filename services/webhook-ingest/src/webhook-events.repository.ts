import type { DataSource, EntityManager } from '@dialer/db';

/** A raw provider event to store, append-only (see EventWriter). */
export interface NewWebhookEvent {
  tenantId: string;
  provider: string;
  providerConnectionId: string;
  eventKey: string;
  providerCallId: string | null;
  callAttemptId: string | null;
  payload: Record<string, unknown>;
}

/**
 * Stores events append-only in one multi-row statement; a provider event key stored before is
 * skipped (ON CONFLICT DO NOTHING). The rows inserted, each with its provider and event key.
 */
export async function insertWebhookEvents(
  ds: DataSource, events: NewWebhookEvent[],
): Promise<Array<{ id: string; provider: string; event_key: string; received_at: Date }>> {
  const cols = {
    tenant: [] as string[], provider: [] as string[], conn: [] as string[], key: [] as string[],
    call: [] as Array<string | null>, attempt: [] as Array<string | null>, payload: [] as string[],
  };
  for (const e of events) {
    cols.tenant.push(e.tenantId);
    cols.provider.push(e.provider);
    cols.conn.push(e.providerConnectionId);
    cols.key.push(e.eventKey);
    cols.call.push(e.providerCallId);
    cols.attempt.push(e.callAttemptId);
    cols.payload.push(JSON.stringify(e.payload));
  }
  return ds.query(
    `INSERT INTO webhook_events (tenant_id, provider, provider_connection_id, event_key, provider_call_id, call_attempt_id, payload)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::jsonb[])
     ON CONFLICT (provider, event_key) DO NOTHING
     RETURNING id, provider, event_key, received_at`,
    [cols.tenant, cols.provider, cols.conn, cols.key, cols.call, cols.attempt, cols.payload]);
}

/**
 * Which call attempts one connection's events may touch: the attempt's own provider connection
 * (the campaign's, for an attempt written before the column was set) must be the connection the
 * webhook was verified for, and once the attempt knows its provider call id, the event's must be
 * the same. One connection's credential thus never settles another connection's call.
 */
const ATTEMPT_BELONGS = `a.tenant_id = $2
          AND COALESCE(a.provider_connection_id, (SELECT c.provider_connection_id FROM campaigns c WHERE c.id = a.campaign_id)) = $3
          AND ($4::text IS NULL OR a.provider_call_id IS NULL OR a.provider_call_id = $4)`;

/**
 * The connection's call attempt an event belongs to: by our attempt id first, else by the
 * provider's call id (see ATTEMPT_BELONGS for what the attempt must match).
 */
export async function findCallAttemptId(
  ds: DataSource, tenantId: string, providerConnectionId: string, callAttemptId: string | null, providerCallId: string | null,
): Promise<string | null> {
  const pcid = providerCallId || null;
  if (callAttemptId) {
    const rows: Array<{ id: string }> = await ds.query(
      `SELECT a.id FROM call_attempts a WHERE a.id = $1 AND ${ATTEMPT_BELONGS}`, [callAttemptId, tenantId, providerConnectionId, pcid]);
    if (rows[0]) return rows[0].id;
  }
  if (pcid) {
    const rows: Array<{ id: string }> = await ds.query(
      `SELECT a.id FROM call_attempts a WHERE a.provider_call_id = $1 AND ${ATTEMPT_BELONGS}`, [pcid, tenantId, providerConnectionId, pcid]);
    if (rows[0]) return rows[0].id;
  }
  return null;
}

export async function markEventApplied(ds: DataSource, eventId: string, callAttemptId: string): Promise<void> {
  await ds.query(
    `UPDATE webhook_events SET applied_at = clock_timestamp(), call_attempt_id = COALESCE(call_attempt_id, $2)
      WHERE id = $1 AND applied_at IS NULL`, [eventId, callAttemptId]);
}

/** What one event of a batch points at: its tenant, our attempt id (if it carries one) and the provider's call id. */
export interface EventRef {
  tenantId: string;
  /** The connection the webhook was verified for: only its attempts match. */
  providerConnectionId: string;
  callAttemptId: string | null;
  providerCallId: string | null;
}

export interface ResolvedAttempt {
  id: string;
  /** The attempt's campaign has a qualification rule (`settings.qualification`). */
  hasRule: boolean;
}

/**
 * findCallAttemptId for a whole batch in one statement: for each ref (by position), the
 * connection's attempt by our id first, else by the provider's call id (the same rules as
 * ATTEMPT_BELONGS); null when none matches yet.
 */
export async function resolveCallAttempts(ds: DataSource, refs: EventRef[]): Promise<Array<ResolvedAttempt | null>> {
  const out: Array<ResolvedAttempt | null> = refs.map(() => null);
  if (refs.length === 0) return out;
  const rows: Array<{ i: number; id: string; has_rule: boolean }> = await ds.query(
    `SELECT r.i, a.id, (c.settings -> 'qualification') IS NOT NULL AS has_rule
       FROM (SELECT u.i, COALESCE(
                (SELECT a.id FROM call_attempts a WHERE a.id = u.attempt AND a.tenant_id = u.tenant
                    AND COALESCE(a.provider_connection_id, (SELECT c.provider_connection_id FROM campaigns c WHERE c.id = a.campaign_id)) = u.conn
                    AND (u.pcid IS NULL OR a.provider_call_id IS NULL OR a.provider_call_id = u.pcid)),
                (SELECT a.id FROM call_attempts a WHERE a.provider_call_id = u.pcid AND a.tenant_id = u.tenant
                    AND COALESCE(a.provider_connection_id, (SELECT c.provider_connection_id FROM campaigns c WHERE c.id = a.campaign_id)) = u.conn)) AS id
               FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[]) AS u(i, tenant, attempt, pcid, conn)) r
       JOIN call_attempts a ON a.id = r.id
       JOIN campaigns c ON c.id = a.campaign_id AND c.tenant_id = a.tenant_id`,
    [refs.map((_, i) => i), refs.map((r) => r.tenantId), refs.map((r) => r.callAttemptId), refs.map((r) => r.providerCallId || null),
      refs.map((r) => r.providerConnectionId)]);
  for (const r of rows) out[r.i] = { id: r.id, hasRule: r.has_rule };
  return out;
}

/** markEventApplied for many events in one statement (same transaction as their effect, when given one). */
export async function markEventsApplied(m: DataSource | EntityManager, applied: Array<{ eventId: string; callAttemptId: string }>): Promise<void> {
  if (applied.length === 0) return;
  await m.query(
    `UPDATE webhook_events e SET applied_at = clock_timestamp(), call_attempt_id = COALESCE(e.call_attempt_id, u.attempt)
       FROM unnest($1::bigint[], $2::uuid[]) AS u(id, attempt)
      WHERE e.id = u.id AND e.applied_at IS NULL`,
    [applied.map((a) => a.eventId), applied.map((a) => a.callAttemptId)]);
}

export async function markEventFailed(ds: DataSource, eventId: string, error: string): Promise<void> {
  await ds.query(
    `UPDATE webhook_events SET apply_error = $2 WHERE id = $1 AND applied_at IS NULL`, [eventId, error.slice(0, 1000)]);
}

export interface UnappliedEvent {
  id: string;
  tenant_id: string | null;
  provider: string;
  provider_connection_id: string | null;
  provider_call_id: string | null;
  call_attempt_id: string | null;
  payload: Record<string, unknown>;
  received_at: Date;
}

/**
 * Stored events not applied yet (and not given up), received within the last day, oldest first.
 * Events younger than `graceMs` are left to the request that stored them.
 */
export async function listUnappliedEvents(ds: DataSource, limit: number, graceMs: number): Promise<UnappliedEvent[]> {
  const rows: UnappliedEvent[] = await ds.query(
    `SELECT id, tenant_id, provider, provider_connection_id, provider_call_id, call_attempt_id, payload, received_at
       FROM webhook_events
      WHERE applied_at IS NULL AND apply_error IS NULL
        AND received_at > now() - interval '24 hours'
        AND received_at < now() - make_interval(secs => $2::double precision / 1000)
      ORDER BY received_at, id
      LIMIT $1`, [limit, graceMs]);
  return rows.map((r) => ({ ...r, id: String(r.id) }));
}
