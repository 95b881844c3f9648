import { queryRows, type DataSource } from '@dialer/db';

/* The audit log's reads for the API; appending an entry is writeAudit, beside the other writes. */

/** An audit row with the email of its user. */
export interface AuditRow {
  id: string;
  api_key_id: string | null;
  user_id: string | null;
  user_email: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  created_at: Date;
}

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  /** An action, or with a trailing dot every action of that prefix (`user.`). */
  action?: string;
  apiKeyId?: string;
  userId?: string;
  from?: Date;
  to?: Date;
  /** The id of the last entry of the previous page: older entries. */
  cursor?: string;
}

/** The tenant's audit entries, newest first: at most `limit` after the filter. */
export async function listAuditEntries(ds: DataSource, tenantId: string, f: AuditFilter, limit: number): Promise<AuditRow[]> {
  const where = ['a.tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const add = (sql: string, v: unknown): void => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.entityType) add('a.entity_type = ?', f.entityType);
  if (f.entityId) add('a.entity_id = ?', f.entityId);
  if (f.action) {
    if (f.action.endsWith('.')) add(`starts_with(a.action, ?)`, f.action);
    else add('a.action = ?', f.action);
  }
  if (f.apiKeyId) add('a.api_key_id = ?', f.apiKeyId);
  if (f.userId) add('a.user_id = ?', f.userId);
  if (f.from) add('a.created_at >= ?', f.from);
  if (f.to) add('a.created_at < ?', f.to);
  if (f.cursor) add('a.id < ?::bigint', f.cursor);
  params.push(limit);
  return queryRows<AuditRow>(ds,
    `SELECT a.id, a.api_key_id, a.user_id, u.email AS user_email, a.action, a.entity_type, a.entity_id, a.before, a.after, a.created_at
       FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
      WHERE ${where.join(' AND ')} ORDER BY a.id DESC LIMIT $${params.length}`, params);
}
