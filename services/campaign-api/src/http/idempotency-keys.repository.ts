import { mutate, queryRows, type DataSource } from '@dialer/db';

/** A claimed Idempotency-Key: its request's fingerprint and, once the create ran, its answer. */
export interface IdempotencyKeyRow {
  fingerprint: string;
  /** Null while the first request still runs. */
  status_code: number | null;
  response: unknown;
  location: string | null;
}

/** Forgets the tenant's keys older than `ttlHours`. */
export async function purgeExpiredKeys(ds: DataSource, tenantId: string, ttlHours: number): Promise<void> {
  await mutate(ds, `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND created_at < now() - make_interval(hours => $2)`, [tenantId, ttlHours]);
}

/** Claims a key for a request (a row with no answer yet); false when the key is taken. */
export async function claimKey(ds: DataSource, tenantId: string, key: string, fingerprint: string): Promise<boolean> {
  const claimed = await queryRows<{ key: string }>(ds,
    `INSERT INTO idempotency_keys (tenant_id, key, fingerprint) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, key) DO NOTHING RETURNING key`, [tenantId, key, fingerprint]);
  return claimed.length > 0;
}

export async function findKey(ds: DataSource, tenantId: string, key: string): Promise<IdempotencyKeyRow | null> {
  const rows = await queryRows<IdempotencyKeyRow>(ds,
    `SELECT fingerprint, status_code, response, location FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`, [tenantId, key]);
  return rows[0] ?? null;
}

/** Releases a claimed key (its create failed), so it can be retried. */
export async function releaseKey(ds: DataSource, tenantId: string, key: string): Promise<void> {
  await mutate(ds, `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`, [tenantId, key]);
}

/** Stores the answer of the create that claimed the key. */
export async function storeAnswer(
  ds: DataSource, tenantId: string, key: string, a: { status: number; body: unknown; location?: string },
): Promise<void> {
  await mutate(ds, `UPDATE idempotency_keys SET status_code = $3, response = $4::jsonb, location = $5 WHERE tenant_id = $1 AND key = $2`,
    [tenantId, key, a.status, JSON.stringify(a.body ?? null), a.location ?? null]);
}
