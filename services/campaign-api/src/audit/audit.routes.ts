import { Router } from 'express';
import { queryRows, type DataSource } from '@dialer/db';
import { validateInput } from '@dialer/platform';
import { authOf } from '../http/request-context';
import { ListAuditQuery, type AuditEntry, type AuditPage } from './audit.dto';

interface AuditRow {
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

/** GET /v1/audit-log: the tenant's audit entries, newest first, with filters; cursor = id of the last entry. */
export function auditRouter(ds: DataSource): Router {
  const r = Router();

  r.get('/audit-log', async (req, res) => {
    const { tenantId } = authOf(res);
    const q = validateInput(ListAuditQuery, { ...req.query }, { where: 'query string' });
    const where = ['a.tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const add = (sql: string, v: unknown): void => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.entityType) add('a.entity_type = ?', q.entityType);
    if (q.entityId) add('a.entity_id = ?', q.entityId);
    if (q.action) {
      if (q.action.endsWith('.')) add(`starts_with(a.action, ?)`, q.action);
      else add('a.action = ?', q.action);
    }
    if (q.apiKeyId) add('a.api_key_id = ?', q.apiKeyId);
    if (q.userId) add('a.user_id = ?', q.userId);
    if (q.from) add('a.created_at >= ?', q.from);
    if (q.to) add('a.created_at < ?', q.to);
    if (q.cursor) add('a.id < ?::bigint', q.cursor);
    params.push(q.limit + 1);
    const rows = await queryRows<AuditRow>(ds,
      `SELECT a.id, a.api_key_id, a.user_id, u.email AS user_email, a.action, a.entity_type, a.entity_id, a.before, a.after, a.created_at
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
        WHERE ${where.join(' AND ')} ORDER BY a.id DESC LIMIT $${params.length}`, params);
    const data = rows.slice(0, q.limit).map((a): AuditEntry => ({
      id: String(a.id), apiKeyId: a.api_key_id, userId: a.user_id, userEmail: a.user_email, action: a.action, entityType: a.entity_type, entityId: a.entity_id,
      before: a.before, after: a.after, createdAt: a.created_at,
    }));
    res.json({ data, nextCursor: rows.length > q.limit ? data[data.length - 1]!.id : null } satisfies AuditPage);
  });

  return r;
}
