import type { DataSource, EntityManager } from 'typeorm';

type Db = DataSource | EntityManager;

/** A number of a caller-id pool, as the dialer uses it. */
export interface DialPoolNumber {
  number: string;
  /** The provider's own id of the number (Vapi: its phoneNumberId). */
  providerNumberId: string | null;
  isDefault: boolean;
  paused: boolean;
  dailyCap: number | null;
  cooldownSeconds: number;
}

/** The pool a campaign's calls choose their caller id from: the campaign's own, else its connection's. */
export interface DialPool {
  poolId: string;
  owner: 'campaign' | 'provider_connection';
  poolOnly: boolean;
  numbers: DialPoolNumber[];
}

/**
 * The caller-id pool of a campaign's calls: the campaign's pool when it has numbers, else the
 * provider connection's; null when neither has any.
 */
export async function findDialPool(ds: Db, tenantId: string, campaignId: string, connectionId: string): Promise<DialPool | null> {
  const rows: Array<{
    pool_id: string; campaign_id: string | null; pool_only: boolean; number: string; provider_number_id: string | null;
    is_default: boolean; paused: boolean; daily_cap: number | null; cooldown_seconds: number;
  }> = await ds.query(
    `SELECT p.id AS pool_id, p.campaign_id, p.pool_only, n.number, n.provider_number_id, n.is_default, n.paused, n.daily_cap, n.cooldown_seconds
       FROM caller_id_pools p
       JOIN caller_ids n ON n.pool_id = p.id AND n.tenant_id = p.tenant_id
      WHERE p.tenant_id = $1 AND (p.campaign_id = $2 OR p.provider_connection_id = $3)
      ORDER BY (p.campaign_id IS NULL), n.number`,
    [tenantId, campaignId, connectionId]);
  if (rows.length === 0) return null;
  const first = rows[0]!;
  const mine = rows.filter((r) => r.pool_id === first.pool_id);
  return {
    poolId: first.pool_id,
    owner: first.campaign_id ? 'campaign' : 'provider_connection',
    poolOnly: first.pool_only,
    numbers: mine.map((r) => ({
      number: r.number, providerNumberId: r.provider_number_id, isDefault: r.is_default, paused: r.paused,
      dailyCap: r.daily_cap, cooldownSeconds: r.cooldown_seconds,
    })),
  };
}

/** Keeps the caller id a call goes out from on its attempt (written before the provider is called). */
export async function recordAttemptCallerId(ds: Db, tenantId: string, attemptId: string, callerId: string): Promise<void> {
  await ds.query(`UPDATE call_attempts SET caller_id = $3 WHERE id = $1 AND tenant_id = $2`, [attemptId, tenantId, callerId]);
}

/** A caller id's calls since a moment: how many, and the last one's start (ms). */
export interface CallerIdUse {
  number: string;
  calls: number;
  lastMs: number;
}

/** The tenant's calls per caller id since `since` (the start of the UTC day): what a rebuild of the Redis counts starts from. */
export async function callerIdUsesSince(ds: Db, tenantId: string, since: Date): Promise<CallerIdUse[]> {
  const rows: Array<{ caller_id: string; calls: string; last_ms: string }> = await ds.query(
    `SELECT caller_id, count(*) AS calls, floor(extract(epoch FROM max(created_at)) * 1000) AS last_ms
       FROM call_attempts
      WHERE tenant_id = $1 AND caller_id IS NOT NULL AND created_at >= $2
      GROUP BY caller_id`,
    [tenantId, since]);
  return rows.map((r) => ({ number: r.caller_id, calls: Number(r.calls), lastMs: Number(r.last_ms) }));
}
