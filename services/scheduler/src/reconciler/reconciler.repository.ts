import { findProviderConnection, mutate, type DataSource, type StoredConnection } from '@dialer/db';

/** An attempt committed but never marked dialled, older than the grace period. */
export interface UndialledAttempt {
  id: string;
  tenantId: string;
  campaignId: string;
  leadId: string;
  attemptNo: number;
  createdAt: Date;
  phoneE164: string;
  providerConnectionId: string | null;
}

/** Attempts with no provider call id and no end, created before `before` (index call_attempts_live). */
export async function findUndialledAttempts(ds: DataSource, before: Date, limit = 200): Promise<UndialledAttempt[]> {
  const rows: Array<{
    id: string; tenant_id: string; campaign_id: string; lead_id: string; attempt_no: number; created_at: Date;
    phone_e164: string; provider_connection_id: string | null;
  }> = await ds.query(
    `SELECT a.id, a.tenant_id, a.campaign_id, a.lead_id, a.attempt_no, a.created_at, l.phone_e164, a.provider_connection_id
       FROM call_attempts a JOIN leads l ON l.id = a.lead_id AND l.tenant_id = a.tenant_id
      WHERE a.ended_at IS NULL AND a.provider_call_id IS NULL AND a.created_at < $1
      ORDER BY a.created_at LIMIT $2`, [before, limit]);
  return rows.map((r) => ({
    id: r.id, tenantId: r.tenant_id, campaignId: r.campaign_id, leadId: r.lead_id, attemptNo: r.attempt_no,
    createdAt: new Date(r.created_at), phoneE164: r.phone_e164, providerConnectionId: r.provider_connection_id,
  }));
}

/** A dialled attempt whose webhooks stopped coming: not ended, no status change for too long. */
export interface StaleAttempt {
  id: string;
  tenantId: string;
  campaignId: string;
  leadId: string;
  attemptNo: number;
  providerCallId: string;
  providerConnectionId: string;
  /** Its last recorded change: the answer, else the dial (else the commit). */
  since: Date;
}

/**
 * Dialled attempts (a provider call id, a connection) not ended, unanswered and dialled before
 * `ringingBefore`, or answered before `answeredBefore`; oldest change first, `skip` left out, at most
 * `perConnection` of each provider connection and `limit` in all. The partial index
 * call_attempts_live (ended_at IS NULL) holds only the live attempts, as many as the campaigns'
 * concurrency allows, so the scan stays small however many attempts have ended.
 */
export async function findStaleAttempts(
  ds: DataSource, cut: { ringingBefore: Date; answeredBefore: Date }, skip: string[], limit: { total: number; perConnection: number },
): Promise<StaleAttempt[]> {
  const rows: Array<{
    id: string; tenant_id: string; campaign_id: string; lead_id: string; attempt_no: number; provider_call_id: string;
    provider_connection_id: string; since: Date;
  }> = await ds.query(
    `SELECT id, tenant_id, campaign_id, lead_id, attempt_no, provider_call_id, provider_connection_id, since
       FROM (SELECT id, tenant_id, campaign_id, lead_id, attempt_no, provider_call_id, provider_connection_id,
                    COALESCE(answered_at, dialed_at, created_at) AS since,
                    row_number() OVER (PARTITION BY provider_connection_id ORDER BY COALESCE(answered_at, dialed_at, created_at)) AS nth
               FROM call_attempts
              WHERE ended_at IS NULL AND provider_call_id IS NOT NULL AND provider_connection_id IS NOT NULL
                AND CASE WHEN answered_at IS NULL THEN COALESCE(dialed_at, created_at) < $1 ELSE answered_at < $2 END
                AND id <> ALL($3::uuid[])) s
      WHERE nth <= $5
      ORDER BY since LIMIT $4`, [cut.ringingBefore, cut.answeredBefore, skip, limit.total, limit.perConnection]);
  return rows.map((r) => ({
    id: r.id, tenantId: r.tenant_id, campaignId: r.campaign_id, leadId: r.lead_id, attemptNo: r.attempt_no,
    providerCallId: r.provider_call_id, providerConnectionId: r.provider_connection_id, since: new Date(r.since),
  }));
}

/** Of the given (lead, attempt number) pairs: which attempts exist, and whether they ended. */
export async function attemptStates(
  ds: DataSource, pairs: Array<{ leadId: string; attemptNo: number }>,
): Promise<Map<string, { id: string; tenantId: string; ended: boolean }>> {
  const out = new Map<string, { id: string; tenantId: string; ended: boolean }>();
  if (!pairs.length) return out;
  const rows: Array<{ id: string; tenant_id: string; lead_id: string; attempt_no: number; ended: boolean }> = await ds.query(
    `SELECT a.id, a.tenant_id, a.lead_id, a.attempt_no, a.ended_at IS NOT NULL AS ended
       FROM unnest($1::uuid[], $2::int[]) AS v(lead_id, attempt_no)
       JOIN call_attempts a ON a.lead_id = v.lead_id AND a.attempt_no = v.attempt_no`,
    [pairs.map((p) => p.leadId), pairs.map((p) => p.attemptNo)]);
  for (const r of rows) out.set(`${r.lead_id}#${r.attempt_no}`, { id: r.id, tenantId: r.tenant_id, ended: r.ended });
  return out;
}

/** Provider call ids among `sids` already owned by some attempt of the tenant. */
export async function knownProviderCallIds(ds: DataSource, tenantId: string, sids: string[]): Promise<Set<string>> {
  if (!sids.length) return new Set();
  const rows: Array<{ provider_call_id: string }> = await ds.query(
    `SELECT provider_call_id FROM call_attempts WHERE tenant_id = $1 AND provider_call_id = ANY($2::text[])`, [tenantId, sids]);
  return new Set(rows.map((r) => r.provider_call_id));
}

/** The provider's call found for an undialled attempt: adopt its id (forward only; no other change). */
export async function adoptProviderCall(ds: DataSource, attempt: UndialledAttempt, providerCallId: string): Promise<boolean> {
  const { count } = await mutate(ds,
    `UPDATE call_attempts SET provider_call_id = $3, dialed_at = COALESCE(dialed_at, now()),
        status = CASE WHEN status = 'created' THEN 'queued' ELSE status END
      WHERE id = $1 AND tenant_id = $2 AND provider_call_id IS NULL AND ended_at IS NULL`, [attempt.id, attempt.tenantId, providerCallId]);
  return count > 0;
}

/**
 * The connection of a tenant's live attempts, deleted or not: calls placed before a connection was
 * deleted still run at the provider and must be settled with its credentials.
 */
export function findConnection(ds: DataSource, tenantId: string, id: string): Promise<StoredConnection | null> {
  return findProviderConnection(ds, id, { tenantId, includeDeleted: true });
}
