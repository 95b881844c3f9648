import type { DataSource, EntityManager } from 'typeorm';
import type { ProviderType } from '@dialer/domain';

/**
 * Provider accounts shared across tenants: declared, limited and opened to tenants by the platform
 * operator only (the shared-account CLI); tenants' connections may join the ones opened to them.
 */
export interface SharedAccount {
  key: string;
  type: ProviderType;
  maxConcurrentCalls: number;
  reservedCalls: number;
  /** The tenants allowed to join it. */
  tenantIds: string[];
}

/**
 * The SQL of a connection's concurrency budget (`pc`: provider_connections, `sa`: the shared account
 * joined with `join`): its lease group and the limit campaigns may use. A shared account's group and
 * limit are the operator's; an account key is scoped to its tenant (two tenants naming "main" have
 * two budgets); without either, the connection is its own group.
 */
export function accountBudgetSql(pc: string, sa: string): { join: string; group: string; limit: string } {
  return {
    join: `LEFT JOIN shared_provider_accounts ${sa} ON ${sa}.key = ${pc}.shared_account`,
    group: `CASE WHEN ${sa}.key IS NOT NULL THEN 'shared:' || ${sa}.key
                 WHEN ${pc}.account_key IS NOT NULL THEN ${pc}.tenant_id::text || ':' || ${pc}.type || ':' || ${pc}.account_key
                 ELSE ${pc}.id::text END`,
    limit: `CASE WHEN ${sa}.key IS NOT NULL THEN ${sa}.max_concurrent_calls - ${sa}.reserved_calls
                 ELSE ${pc}.max_concurrent_calls - ${pc}.reserved_calls END`,
  };
}

/**
 * The shared account `key` if it is opened to the tenant, its grant locked against a revoke until
 * the transaction ends; null when there is none (or not for this tenant).
 */
export async function findGrantedSharedAccount(m: EntityManager, tenantId: string, key: string): Promise<{ key: string; type: ProviderType } | null> {
  const rows: Array<{ key: string; type: ProviderType }> = await m.query(
    `SELECT a.key, a.type FROM shared_provider_account_tenants g JOIN shared_provider_accounts a ON a.key = g.account_key
      WHERE g.account_key = $1 AND g.tenant_id = $2 FOR SHARE OF g`, [key, tenantId]);
  return rows[0] ?? null;
}

/** Declares a shared account or changes its limit; the type of an existing one never changes (false then). */
export async function upsertSharedAccount(
  m: DataSource | EntityManager, a: Pick<SharedAccount, 'key' | 'type' | 'maxConcurrentCalls' | 'reservedCalls'>,
): Promise<boolean> {
  const rows: unknown[] = await m.query(
    `INSERT INTO shared_provider_accounts (key, type, max_concurrent_calls, reserved_calls) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key) DO UPDATE SET max_concurrent_calls = EXCLUDED.max_concurrent_calls, reserved_calls = EXCLUDED.reserved_calls, updated_at = now()
       WHERE shared_provider_accounts.type = EXCLUDED.type
     RETURNING key`, [a.key, a.type, a.maxConcurrentCalls, a.reservedCalls]);
  return rows.length === 1;
}

/** Opens a shared account to a tenant (idempotent); false when the account or the tenant does not exist. */
export async function grantSharedAccount(m: DataSource | EntityManager, key: string, tenantId: string): Promise<boolean> {
  const rows: unknown[] = await m.query(
    `INSERT INTO shared_provider_account_tenants (account_key, tenant_id)
     SELECT a.key, t.id FROM shared_provider_accounts a, tenants t WHERE a.key = $1 AND t.id = $2
     ON CONFLICT DO NOTHING RETURNING 1`, [key, tenantId]);
  if (rows.length === 1) return true;
  const [held] = await m.query(`SELECT 1 FROM shared_provider_account_tenants WHERE account_key = $1 AND tenant_id = $2`, [key, tenantId]);
  return held !== undefined;
}

/**
 * Closes a shared account to a tenant. Refused while live connections of the tenant are in it
 * (`in_use`, their count); deleted connections leave it first.
 */
export async function revokeSharedAccount(
  ds: DataSource, key: string, tenantId: string,
): Promise<{ result: 'revoked' | 'not_granted' } | { result: 'in_use'; connections: number }> {
  return ds.transaction(async (m) => {
    const [grant] = await m.query(
      `SELECT 1 FROM shared_provider_account_tenants WHERE account_key = $1 AND tenant_id = $2 FOR UPDATE`, [key, tenantId]);
    if (!grant) return { result: 'not_granted' as const };
    const [live] = await m.query(
      `SELECT count(*)::int AS n FROM provider_connections WHERE shared_account = $1 AND tenant_id = $2 AND deleted_at IS NULL`, [key, tenantId]);
    if (live.n > 0) return { result: 'in_use' as const, connections: live.n as number };
    await m.query(`UPDATE provider_connections SET shared_account = NULL WHERE shared_account = $1 AND tenant_id = $2`, [key, tenantId]);
    await m.query(`DELETE FROM shared_provider_account_tenants WHERE account_key = $1 AND tenant_id = $2`, [key, tenantId]);
    return { result: 'revoked' as const };
  });
}

/** Every shared account with the tenants it is opened to, by key. */
export async function listSharedAccounts(m: DataSource | EntityManager): Promise<SharedAccount[]> {
  const rows: Array<{ key: string; type: ProviderType; max_concurrent_calls: number; reserved_calls: number; tenant_ids: string[] }> = await m.query(
    `SELECT a.key, a.type, a.max_concurrent_calls, a.reserved_calls,
            COALESCE(array_agg(g.tenant_id::text ORDER BY g.tenant_id) FILTER (WHERE g.tenant_id IS NOT NULL), '{}') AS tenant_ids
       FROM shared_provider_accounts a LEFT JOIN shared_provider_account_tenants g ON g.account_key = a.key
      GROUP BY a.key ORDER BY a.key`);
  return rows.map((r) => ({
    key: r.key, type: r.type, maxConcurrentCalls: r.max_concurrent_calls, reservedCalls: r.reserved_calls, tenantIds: r.tenant_ids,
  }));
}
