import { queryRows, TenantEntity, type DataSource, type EntityManager } from '@dialer/db';

type Db = DataSource | EntityManager;

/** Serializes tenant creation per name (case-insensitive) until the caller's transaction ends. */
export async function lockTenantName(m: EntityManager, name: string): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtext('tenant-name:' || lower($1)))`, [name]);
}

/** A tenant of this name, compared case-insensitively. */
export async function findTenantByName(db: Db, name: string): Promise<{ id: string; name: string } | null> {
  return (await queryRows<{ id: string; name: string }>(db, `SELECT id, name FROM tenants WHERE lower(name) = lower($1) LIMIT 1`, [name]))[0] ?? null;
}

export async function insertTenant(m: EntityManager, t: { name: string; defaultCountry: string }): Promise<string> {
  return (await queryRows<{ id: string }>(m, `INSERT INTO tenants (name, default_country) VALUES ($1, $2) RETURNING id`, [t.name, t.defaultCountry]))[0]!.id;
}

export async function tenantExists(db: Db, id: string): Promise<boolean> {
  return (await queryRows(db, `SELECT id FROM tenants WHERE id = $1`, [id])).length > 0;
}

/** The country a tenant's numbers are read in when written without a country code. */
export async function tenantDefaultCountry(db: Db, tenantId: string): Promise<string> {
  return (await db.getRepository(TenantEntity).findOneByOrFail({ id: tenantId })).defaultCountry;
}

export async function findTenant(db: Db, id: string): Promise<TenantEntity | null> {
  return db.getRepository(TenantEntity).findOneBy({ id });
}

/** What PATCH /v1/tenant sets. */
export type TenantSettings = Pick<TenantEntity,
  'defaultCountry' | 'maxConcurrentCalls' | 'weight'
  | 'retentionCallDataDays' | 'retentionAttemptsDays' | 'retentionWebhookEventsDays' | 'retentionEndedLeadsDays'>;

export async function setTenantSettings(m: EntityManager, id: string, s: TenantSettings): Promise<void> {
  await m.getRepository(TenantEntity).update({ id }, s);
}
