import { Router } from 'express';
import { queryRows, type DataSource } from '@dialer/db';
import { validateInput } from '@dialer/platform';
import { authOf } from '../http/request-context';
import { ListAuditQuery, type AuditEntry, type AuditPage } from './audit.dto';

interface AuditRow {
  id: string;
  api_key_id: string | null;
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
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const add = (sql: string, v: unknown): void => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.entityType) add('entity_type = ?', q.entityType);
    if (q.entityId) add('entity_id = ?', q.entityId);
    if (q.action) {
      if (q.action.endsWith('.')) add(`starts_with(action, ?)`, q.action);
      else add('action = ?', q.action);
    }
    if (q.apiKeyId) add('api_key_id = ?', q.apiKeyId);
    if (q.from) add('created_at >= ?', q.from);
    if (q.to) add('created_at < ?', q.to);
    if (q.cursor) add('id < ?::bigint', q.cursor);
    params.push(q.limit + 1);
    const rows = await queryRows<AuditRow>(ds,
      `SELECT id, api_key_id, action, entity_type, entity_id, before, after, created_at FROM audit_log
        WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`, params);
    const data = rows.slice(0, q.limit).map((a): AuditEntry => ({
      id: String(a.id), apiKeyId: a.api_key_id, action: a.action, entityType: a.entity_type, entityId: a.entity_id,
      before: a.before, after: a.after, createdAt: a.created_at,
    }));
    res.json({ data, nextCursor: rows.length > q.limit ? data[data.length - 1]!.id : null } satisfies AuditPage);
  });

  return r;
}
