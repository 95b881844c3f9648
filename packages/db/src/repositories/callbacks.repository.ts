import type { DataSource, EntityManager } from 'typeorm';
import { mutate, queryRows } from '../sql';

/*
 * The SQL of scheduled callbacks (the `callbacks` table). The decisions are the domain's
 * (scheduleCallback); these statements write them. Every statement names the tenant, except the
 * settlement's, which runs on a lead already locked by its attempt.
 */

type Db = DataSource | EntityManager;

export type CallbackSource = 'api' | 'disposition' | 'analysis';

export interface CallbackRow {
  id: string;
  tenant_id: string;
  campaign_id: string;
  lead_id: string;
  source: CallbackSource;
  call_attempt_id: string | null;
  requested_at: Date;
  due_at: Date;
  moved: 'outside_window' | 'in_the_past' | null;
  status: 'pending' | 'dialled' | 'cancelled' | 'replaced';
  created_at: Date;
  /** The agent or flow this callback's call goes through only (null: the campaign's). */
  agent_override: string | null;
}

const COLUMNS = 'id, tenant_id, campaign_id, lead_id, source, call_attempt_id, requested_at, due_at, moved, status, created_at, agent_override';

/** The lead's pending callback, or null. */
export async function findPendingCallback(m: Db, tenantId: string, leadId: string): Promise<CallbackRow | null> {
  const rows = await queryRows<CallbackRow>(m,
    `SELECT ${COLUMNS} FROM callbacks WHERE lead_id = $1 AND tenant_id = $2 AND status = 'pending'`, [leadId, tenantId]);
  return rows[0] ?? null;
}

export interface NewCallback {
  tenantId: string;
  campaignId: string;
  leadId: string;
  source: CallbackSource;
  callAttemptId: string | null;
  requestedAt: Date;
  dueAt: Date;
  moved: CallbackRow['moved'];
  /** What the callback replaces on the lead, when not the lead's row as it is (a settlement's own decision). */
  prior?: { status: 'pending' | 'done'; nextAttemptAt: Date };
  /** Only through this agent or flow (null or absent: the campaign's). */
  agentOverride?: string | null;
}

/**
 * Writes a scheduled callback on a lead locked by the caller: a pending one is replaced (what it
 * replaced on the lead is carried over), the new one is pending, and the lead is pending and due
 * at its time (a done lead is reopened).
 */
export async function writeCallback(m: EntityManager, c: NewCallback): Promise<CallbackRow> {
  const replaced = await queryRows<{ prior_status: string; prior_next_attempt_at: Date }>(m,
    `UPDATE callbacks SET status = 'replaced', closed_at = now() WHERE lead_id = $1 AND tenant_id = $2 AND status = 'pending'
     RETURNING prior_status, prior_next_attempt_at`, [c.leadId, c.tenantId]);
  const rows = await queryRows<CallbackRow>(m,
    `INSERT INTO callbacks (tenant_id, campaign_id, lead_id, source, call_attempt_id, requested_at, due_at, moved, prior_status, prior_next_attempt_at,
                            agent_override)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, l.status), coalesce($10, l.next_attempt_at), $11 FROM leads l WHERE l.id = $3
     RETURNING ${COLUMNS}`,
    [c.tenantId, c.campaignId, c.leadId, c.source, c.callAttemptId, c.requestedAt, c.dueAt, c.moved,
      replaced[0]?.prior_status ?? c.prior?.status ?? null, replaced[0]?.prior_next_attempt_at ?? c.prior?.nextAttemptAt ?? null, c.agentOverride ?? null]);
  await m.query(
    `UPDATE leads SET status = 'pending', next_attempt_at = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2`,
    [c.leadId, c.tenantId, c.dueAt]);
  return rows[0]!;
}

/**
 * Cancels the lead's pending callback (the lead locked by the caller, and not in a call) and
 * restores what it replaced: the lead's retry time, or a reopened lead's end. Returns the
 * cancelled callback, or null when there was none.
 */
export async function cancelCallback(m: EntityManager, tenantId: string, leadId: string): Promise<CallbackRow | null> {
  const rows = await queryRows<CallbackRow & { prior_status: string; prior_next_attempt_at: Date }>(m,
    `UPDATE callbacks SET status = 'cancelled', closed_at = now() WHERE lead_id = $1 AND tenant_id = $2 AND status = 'pending'
     RETURNING ${COLUMNS}, prior_status, prior_next_attempt_at`, [leadId, tenantId]);
  const cb = rows[0];
  if (!cb) return null;
  await m.query(
    `UPDATE leads SET status = $3, next_attempt_at = $4, updated_at = now() WHERE id = $1 AND tenant_id = $2 AND status = 'pending'`,
    [leadId, tenantId, cb.prior_status, cb.prior_next_attempt_at]);
  const { prior_status: _s, prior_next_attempt_at: _n, ...callback } = cb;
  return callback;
}

/**
 * Closes the pending callbacks of leads that ended another way (their campaign stopped, the lead
 * removed): `cancelled`, the lead left as it now is. Without this a callback row stays pending
 * for a lead that will never be called.
 */
export async function closeCallbacksOfEndedLeads(m: EntityManager, tenantId: string, of: { campaignId: string } | { leadId: string }): Promise<number> {
  const { count } = await mutate(m,
    `UPDATE callbacks SET status = 'cancelled', closed_at = now()
      WHERE tenant_id = $1 AND ${'campaignId' in of ? 'campaign_id' : 'lead_id'} = $2 AND status = 'pending'`,
    [tenantId, 'campaignId' in of ? of.campaignId : of.leadId]);
  return count;
}

/** For a callback asked for by a call that has ended: the lead's disposition, and whether this call already asked for one. */
export async function callbackAfterCallFacts(m: EntityManager, leadId: string, callAttemptId: string): Promise<{ disposition: string | null; asked: boolean }> {
  const rows = await queryRows<{ disposition: string | null; asked: boolean }>(m,
    `SELECT l.disposition, EXISTS (SELECT 1 FROM callbacks WHERE call_attempt_id = $2) AS asked FROM leads l WHERE l.id = $1`,
    [leadId, callAttemptId]);
  return rows[0] ?? { disposition: null, asked: true };
}

/** The attempt that a callback brought about has ended: its callback is dialled. On the settlement's locked lead. */
export async function closeDialledCallback(m: EntityManager, leadId: string, attemptNo: number): Promise<void> {
  await m.query(
    `UPDATE callbacks SET status = 'dialled', attempt_no = $2, closed_at = now() WHERE lead_id = $1 AND status = 'pending'`,
    [leadId, attemptNo]);
}

/** A campaign's upcoming callback, with what the list shows of its lead. */
export interface UpcomingCallbackRow extends CallbackRow {
  lead_status: string;
  timezones: string[];
  phone_e164: string;
  first_name: string | null;
  last_name: string | null;
}

/** A campaign's pending callbacks of leads still open, soonest first, after the callback `afterId` (keyset: due_at, id). */
export async function listUpcomingCallbacks(
  m: Db, tenantId: string, campaignId: string, limit: number, afterId: string | null,
): Promise<UpcomingCallbackRow[]> {
  return queryRows<UpcomingCallbackRow>(m,
    `SELECT ${COLUMNS.split(', ').map((c) => `cb.${c}`).join(', ')}, l.status AS lead_status, l.timezones, l.phone_e164, l.first_name, l.last_name
       FROM callbacks cb JOIN leads l ON l.id = cb.lead_id
      WHERE cb.campaign_id = $1 AND cb.tenant_id = $2 AND cb.status = 'pending' AND l.status <> 'done' AND l.deleted_at IS NULL
        AND ($3::uuid IS NULL OR (cb.due_at, cb.id) > (SELECT k.due_at, k.id FROM callbacks k WHERE k.id = $3::uuid AND k.tenant_id = $2))
      ORDER BY cb.due_at, cb.id LIMIT $4`,
    [campaignId, tenantId, afterId, limit]);
}

/** How many of a campaign's pending callbacks (of open leads) fall due before `until`, counted up to `cap` (a state needs "how many soon", not a scan). */
export async function countCallbacksDue(m: Db, tenantId: string, campaignId: string, until: Date, cap = 100_000): Promise<number> {
  const rows = await queryRows<{ n: number }>(m,
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM callbacks cb JOIN leads l ON l.id = cb.lead_id
      WHERE cb.campaign_id = $1 AND cb.tenant_id = $2 AND cb.status = 'pending' AND cb.due_at < $3 AND l.status <> 'done' LIMIT $4) c`,
    [campaignId, tenantId, until, cap]);
  return rows[0]?.n ?? 0;
}
