import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { endpointWants, type EndpointInterest, type OutboundEvent } from '@dialer/domain';
import { queryRows } from '../sql';

type Db = DataSource | EntityManager;

/**
 * The outbox of outbound event webhooks. `recordOutboundEvents` is called inside the transaction
 * of the change that causes the events, so an event exists exactly when its change committed. It
 * writes only the events some enabled endpoint of the tenant wants; whether anyone listens is read
 * once per tenant and kept for `LISTENER_CACHE_MS`, so the hot paths (webhook apply, dial) pay
 * nothing when nobody listens. An endpoint created or changed in another process is seen within
 * that time; campaign-api forgets its own answer at once (`forgetOutboundListeners`).
 */
export const LISTENER_CACHE_MS = 2_000;

interface Cached { until: number; interests: EndpointInterest[] }
const listeners = new Map<string, Cached>();

/** Forgets what is known of a tenant's listening endpoints (after a change to them), or of every tenant. */
export function forgetOutboundListeners(tenantId?: string): void {
  if (tenantId) listeners.delete(tenantId);
  else listeners.clear();
}

/** The event types and campaign filters of a tenant's enabled endpoints. */
export async function findListeningEndpoints(db: Db, tenantId: string): Promise<EndpointInterest[]> {
  const rows = await queryRows<{ event_types: string[]; campaign_ids: string[] | null }>(db,
    `SELECT event_types, campaign_ids FROM webhook_endpoints WHERE tenant_id = $1 AND enabled AND deleted_at IS NULL`, [tenantId]);
  return rows.map((r) => ({ eventTypes: r.event_types, campaignIds: r.campaign_ids }));
}

async function interestsOf(db: Db, tenantId: string): Promise<EndpointInterest[]> {
  const now = Date.now();
  const hit = listeners.get(tenantId);
  if (hit && hit.until > now) return hit.interests;
  // On the caller's own connection (its transaction's): taking a second pool connection while
  // holding one could exhaust the pool under load.
  const interests = await findListeningEndpoints(db, tenantId);
  listeners.set(tenantId, { until: now + LISTENER_CACHE_MS, interests });
  return interests;
}

/** The envelope as it is stored and sent: `{id, type, createdAt, tenantId, data}`. */
export interface OutboundEnvelope {
  id: string;
  type: string;
  createdAt: string;
  tenantId: string;
  data: Record<string, unknown>;
}

/**
 * The events some enabled endpoint of their tenant wants (read from the short-lived cache: no
 * statement when it is warm). A hot path asks this first and opens no transaction when it is empty.
 */
export async function wantedOutboundEvents(db: Db, events: readonly OutboundEvent[]): Promise<OutboundEvent[]> {
  const out: OutboundEvent[] = [];
  for (const e of events) {
    const interests = await interestsOf(db, e.tenantId);
    if (interests.some((i) => endpointWants(i, e.type, e.campaignId))) out.push(e);
  }
  return out;
}

/**
 * Writes events into the outbox as they are, in the caller's transaction, one statement for all of
 * them. Answers the envelopes written.
 */
export async function writeOutboundEvents(m: Db, events: readonly OutboundEvent[]): Promise<OutboundEnvelope[]> {
  if (events.length === 0) return [];
  const at = new Date().toISOString();
  const rows = events.map((e) => ({ env: { id: randomUUID(), type: e.type, createdAt: at, tenantId: e.tenantId, data: e.data }, campaignId: e.campaignId }));
  await insertOutboundEnvelopes(m, rows);
  return rows.map((r) => r.env);
}

/**
 * Writes the events some enabled endpoint wants into the outbox, in the caller's transaction (one
 * statement for all of them; none when nobody listens). Answers the envelopes written.
 */
export async function recordOutboundEvents(m: EntityManager, events: readonly OutboundEvent[]): Promise<OutboundEnvelope[]> {
  if (events.length === 0) return [];
  return writeOutboundEvents(m, await wantedOutboundEvents(m, events));
}

/** Stores envelopes in the outbox as they are (no listener check: the test event, benchmarks). */
export async function insertOutboundEnvelopes(m: Db, rows: ReadonlyArray<{ env: OutboundEnvelope; campaignId: string | null }>): Promise<void> {
  await m.query(
    `INSERT INTO outbound_events (id, tenant_id, campaign_id, type, payload, created_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::jsonb[], $6::timestamptz[])`,
    [rows.map((r) => r.env.id), rows.map((r) => r.env.tenantId), rows.map((r) => r.campaignId), rows.map((r) => r.env.type),
      rows.map((r) => JSON.stringify(r.env)), rows.map((r) => r.env.createdAt)]);
}
