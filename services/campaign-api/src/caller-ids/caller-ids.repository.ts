import type { DataSource, EntityManager } from '@dialer/db';

type Db = DataSource | EntityManager;

export type PoolOwner = 'provider_connection' | 'campaign';

export interface PoolRow {
  id: string;
  pool_only: boolean;
}

export interface CallerIdRow {
  id: string;
  number: string;
  provider_number_id: string | null;
  is_default: boolean;
  paused: boolean;
  daily_cap: number | null;
  cooldown_seconds: number;
  created_at: Date;
}

const OWNER_COLUMN: Record<PoolOwner, string> = { provider_connection: 'provider_connection_id', campaign: 'campaign_id' };
const CALLER_ID_COLUMNS = 'id, number, provider_number_id, is_default, paused, daily_cap, cooldown_seconds, created_at';

/** The owner as the pool sees it: its provider type (a campaign's through its connection); null when absent or deleted. */
export async function findPoolOwner(ds: Db, tenantId: string, owner: PoolOwner, ownerId: string, opts: { forUpdate?: boolean } = {}): Promise<{ providerType: string | null } | null> {
  const lock = opts.forUpdate ? 'FOR UPDATE OF o' : '';
  const rows: Array<{ type: string | null }> = owner === 'provider_connection'
    ? await ds.query(`SELECT o.type FROM provider_connections o WHERE o.id = $1 AND o.tenant_id = $2 AND o.deleted_at IS NULL ${lock}`, [ownerId, tenantId])
    : await ds.query(
      `SELECT pc.type FROM campaigns o LEFT JOIN provider_connections pc ON pc.id = o.provider_connection_id AND pc.tenant_id = o.tenant_id
        WHERE o.id = $1 AND o.tenant_id = $2 AND o.deleted_at IS NULL ${lock}`, [ownerId, tenantId]);
  return rows[0] ? { providerType: rows[0].type } : null;
}

export async function findPool(ds: Db, tenantId: string, owner: PoolOwner, ownerId: string): Promise<PoolRow | null> {
  const rows: PoolRow[] = await ds.query(
    `SELECT id, pool_only FROM caller_id_pools WHERE tenant_id = $1 AND ${OWNER_COLUMN[owner]} = $2`, [tenantId, ownerId]);
  return rows[0] ?? null;
}

/** The owner's pool, created (empty, not pool-only) when it has none yet. */
export async function ensurePool(m: Db, tenantId: string, owner: PoolOwner, ownerId: string): Promise<PoolRow> {
  const col = OWNER_COLUMN[owner];
  await m.query(
    `INSERT INTO caller_id_pools (tenant_id, ${col}) VALUES ($1, $2) ON CONFLICT (tenant_id, ${col}) WHERE ${col} IS NOT NULL DO NOTHING`,
    [tenantId, ownerId]);
  return (await findPool(m, tenantId, owner, ownerId))!;
}

export async function setPoolOnly(m: Db, tenantId: string, poolId: string, poolOnly: boolean): Promise<void> {
  await m.query(`UPDATE caller_id_pools SET pool_only = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2`, [poolId, tenantId, poolOnly]);
}

export async function listCallerIds(ds: Db, tenantId: string, poolId: string): Promise<CallerIdRow[]> {
  return ds.query(`SELECT ${CALLER_ID_COLUMNS} FROM caller_ids WHERE tenant_id = $1 AND pool_id = $2 ORDER BY number`, [tenantId, poolId]);
}

export async function countCallerIds(m: Db, tenantId: string, poolId: string): Promise<number> {
  const [r] = await m.query(`SELECT count(*)::int AS n FROM caller_ids WHERE tenant_id = $1 AND pool_id = $2`, [tenantId, poolId]);
  return (r as { n: number }).n;
}

export interface NewCallerId {
  number: string;
  providerNumberId: string | null;
  isDefault: boolean;
  paused: boolean;
  dailyCap: number | null;
  cooldownSeconds: number;
}

/** Adds the number to the pool; null when the pool has it already. */
export async function insertCallerId(m: Db, tenantId: string, poolId: string, n: NewCallerId): Promise<CallerIdRow | null> {
  const rows: CallerIdRow[] = await m.query(
    `INSERT INTO caller_ids (tenant_id, pool_id, number, provider_number_id, is_default, paused, daily_cap, cooldown_seconds)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT ON CONSTRAINT caller_ids_pool_number DO NOTHING
     RETURNING ${CALLER_ID_COLUMNS}`,
    [tenantId, poolId, n.number, n.providerNumberId, n.isDefault, n.paused, n.dailyCap, n.cooldownSeconds]);
  return rows[0] ?? null;
}

export async function findCallerId(m: Db, tenantId: string, poolId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<CallerIdRow | null> {
  const rows: CallerIdRow[] = await m.query(
    `SELECT ${CALLER_ID_COLUMNS} FROM caller_ids WHERE id = $1 AND tenant_id = $2 AND pool_id = $3 ${opts.forUpdate ? 'FOR UPDATE' : ''}`,
    [id, tenantId, poolId]);
  return rows[0] ?? null;
}

export async function updateCallerIdRow(m: Db, tenantId: string, row: CallerIdRow): Promise<CallerIdRow> {
  // An UPDATE answers [rows, count] through TypeORM.
  const [rows]: [CallerIdRow[], number] = await m.query(
    `UPDATE caller_ids SET provider_number_id = $3, is_default = $4, paused = $5, daily_cap = $6, cooldown_seconds = $7, updated_at = now()
      WHERE id = $1 AND tenant_id = $2 RETURNING ${CALLER_ID_COLUMNS}`,
    [row.id, tenantId, row.provider_number_id, row.is_default, row.paused, row.daily_cap, row.cooldown_seconds]);
  return rows[0]!;
}

export async function deleteCallerId(m: Db, tenantId: string, id: string): Promise<void> {
  await m.query(`DELETE FROM caller_ids WHERE id = $1 AND tenant_id = $2`, [id, tenantId]);
}

/** Outcomes where someone or something picked up. */
const CONNECTED = `('answered', 'voicemail', 'opted_out')`;

export interface PeriodCounts {
  caller_id: string;
  calls: number;
  finished: number;
  connected: number;
  short_calls: number;
}

/** Calls per caller id since `since` (the tenant's attempts, through the caller-id index). */
export async function callerIdPeriodCounts(ds: Db, tenantId: string, numbers: string[], since: Date, shortSeconds: number): Promise<PeriodCounts[]> {
  return ds.query(
    `SELECT caller_id, count(*)::int AS calls,
            count(*) FILTER (WHERE ended_at IS NOT NULL)::int AS finished,
            count(*) FILTER (WHERE ended_at IS NOT NULL AND outcome IN ${CONNECTED})::int AS connected,
            count(*) FILTER (WHERE ended_at IS NOT NULL AND outcome IN ${CONNECTED} AND coalesce(duration_seconds, 0) < $4)::int AS short_calls
       FROM call_attempts
      WHERE tenant_id = $1 AND caller_id = ANY($2::text[]) AND created_at >= $3
      GROUP BY caller_id`,
    [tenantId, numbers, since, shortSeconds]);
}

/** Each number's last `window` finished calls, newest first: connected or not, and talk time. */
export async function recentCallerIdCalls(ds: Db, tenantId: string, numbers: string[], window: number): Promise<Array<{ number: string; connected: boolean; duration_seconds: number | null }>> {
  return ds.query(
    `SELECT n.number, r.connected, r.duration_seconds
       FROM unnest($2::text[]) AS n(number)
       CROSS JOIN LATERAL (
         SELECT outcome IN ${CONNECTED} AS connected, duration_seconds, created_at
           FROM call_attempts a
          WHERE a.tenant_id = $1 AND a.caller_id = n.number AND a.ended_at IS NOT NULL
          ORDER BY a.created_at DESC
          LIMIT $3
       ) r
      ORDER BY n.number, r.created_at DESC`,
    [tenantId, numbers, window]);
}
