import type { DataSource, EntityManager } from 'typeorm';
import type { ProviderType } from '@dialer/domain';
import { ProviderConnectionEntity } from '../entities/provider-connection.entity';

/** A stored provider connection as the services use it: settings, sealed credentials, pace. */
export interface StoredConnection {
  id: string;
  tenantId: string;
  type: ProviderType;
  /** API base URL; null means the provider's public API. */
  baseUrl: string | null;
  config: Record<string, unknown>;
  /** Credentials, encrypted at rest (open with `adapterFromSealed` in @dialer/providers). */
  secretsSealed: string;
  callsPerSecond: number;
}

export interface FindConnectionOptions {
  /** Only a connection of this tenant (omit where the tenant is not known yet: a webhook's path). */
  tenantId?: string;
  /**
   * Also a soft-deleted connection. Only for settling calls placed before the deletion (the
   * reconciler): new calls and incoming webhooks never use a deleted connection.
   */
  includeDeleted?: boolean;
}

/** The one loader of a provider connection; null when there is none (of that tenant, not deleted). */
export async function findProviderConnection(
  m: DataSource | EntityManager, id: string, opts: FindConnectionOptions = {},
): Promise<StoredConnection | null> {
  const rows: Array<{
    id: string; tenant_id: string; type: ProviderType; base_url: string | null; config: Record<string, unknown> | null;
    secrets_sealed: string; calls_per_second: string | null;
  }> = await m.query(
    `SELECT id, tenant_id, type, base_url, config, secrets_sealed, calls_per_second
       FROM provider_connections
      WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2) AND ($3 OR deleted_at IS NULL)`,
    [id, opts.tenantId ?? null, opts.includeDeleted === true]);
  const r = rows[0];
  return r ? {
    id: r.id, tenantId: r.tenant_id, type: r.type, baseUrl: r.base_url, config: r.config ?? {}, secretsSealed: r.secrets_sealed,
    callsPerSecond: Number(r.calls_per_second ?? 0),
  } : null;
}

/** Stores a new connection (credentials sealed by the caller); the connection as stored. */
export async function insertProviderConnection(
  m: EntityManager, fields: Omit<ProviderConnectionEntity, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>,
): Promise<ProviderConnectionEntity> {
  const repo = m.getRepository(ProviderConnectionEntity);
  const saved = await repo.save(repo.create(fields));
  return repo.findOneByOrFail({ id: saved.id });
}

/** The tenant's live connections, newest first, for listing (the API shows no credentials). */
export async function listProviderConnections(m: DataSource | EntityManager, tenantId: string, limit: number): Promise<ProviderConnectionEntity[]> {
  return m.getRepository(ProviderConnectionEntity).find({ where: { tenantId }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
}

/** One live connection of the tenant as stored (the API's view of it); null when there is none. */
export async function findProviderConnectionRecord(m: DataSource | EntityManager, tenantId: string, id: string): Promise<ProviderConnectionEntity | null> {
  return m.getRepository(ProviderConnectionEntity).findOneBy({ id, tenantId });
}

/** A connection's concurrency budget fields, as a PATCH sets them. */
export interface ConnectionBudget {
  maxConcurrentCalls: number | null;
  reservedCalls: number;
  accountKey: string | null;
  /** The operator's shared account it is in (then the three above are null, 0, null). */
  sharedAccount: string | null;
}

/** The tenant's live connection, locked for a change in this transaction; null when there is none. */
export async function lockProviderConnection(m: EntityManager, tenantId: string, id: string): Promise<ProviderConnectionEntity | null> {
  return m.getRepository(ProviderConnectionEntity).findOne({ where: { id, tenantId }, lock: { mode: 'pessimistic_write' } });
}

/** Sets a connection's concurrency budget; the connection as stored after. */
export async function setConnectionBudget(
  m: EntityManager, tenantId: string, id: string, budget: ConnectionBudget,
): Promise<ProviderConnectionEntity> {
  const repo = m.getRepository(ProviderConnectionEntity);
  await repo.update({ id, tenantId }, budget);
  return repo.findOneByOrFail({ id, tenantId });
}
