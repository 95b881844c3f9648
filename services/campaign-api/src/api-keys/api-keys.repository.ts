import { mutate, queryRows, type ApiKeyRole, type DataSource, type EntityManager } from '@dialer/db';

type Db = DataSource | EntityManager;

/** An API key as stored, without its hash. */
export interface ApiKeyRow {
  id: string;
  name: string;
  key_prefix: string;
  role: ApiKeyRole;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, key_prefix, role, created_at, last_used_at, revoked_at';

/** Stores a key's prefix and hash (never the key); its id. */
export async function insertApiKey(
  m: EntityManager, k: { tenantId: string; name: string; prefix: string; hash: string; role: ApiKeyRole },
): Promise<string> {
  const rows = await queryRows<{ id: string }>(m,
    `INSERT INTO api_keys (tenant_id, name, key_prefix, key_hash, role) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [k.tenantId, k.name, k.prefix, k.hash, k.role]);
  return rows[0]!.id;
}

/** A tenant's key, revoked or not. */
export async function findApiKey(db: Db, tenantId: string, id: string): Promise<ApiKeyRow | null> {
  return (await queryRows<ApiKeyRow>(db, `SELECT ${COLUMNS} FROM api_keys WHERE id = $1 AND tenant_id = $2`, [id, tenantId]))[0] ?? null;
}

/** A tenant's keys, newest first (at most 1000); revoked ones only when asked. */
export async function listApiKeys(db: Db, tenantId: string, includeRevoked: boolean): Promise<ApiKeyRow[]> {
  return queryRows<ApiKeyRow>(db,
    `SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = $1 AND ($2 OR revoked_at IS NULL) ORDER BY created_at DESC, id DESC LIMIT 1000`,
    [tenantId, includeRevoked]);
}

/** Revokes a live key of the tenant; null when there is none (unknown, or revoked already). */
export async function markApiKeyRevoked(m: EntityManager, tenantId: string, id: string): Promise<ApiKeyRow | null> {
  const { rows } = await mutate<ApiKeyRow>(m,
    `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING ${COLUMNS}`, [id, tenantId]);
  return rows[0] ?? null;
}

/** The live (not revoked) key with this hash: who is calling. */
export async function findLiveApiKeyByHash(db: Db, keyHash: string): Promise<{ id: string; tenant_id: string; role: ApiKeyRole } | null> {
  return (await queryRows<{ id: string; tenant_id: string; role: ApiKeyRole }>(db,
    `SELECT id, tenant_id, role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, [keyHash]))[0] ?? null;
}

/** Notes a key's use; at most one write a minute per key. */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now()
      WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
}
