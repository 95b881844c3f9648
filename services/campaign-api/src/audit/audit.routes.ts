import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { validateInput } from '@dialer/platform';
import { authOf } from '../http/request-context';
import { ListAuditQuery, type AuditEntry, type AuditPage } from './audit.dto';
import { listAuditEntries } from './audit-log.repository';

/** GET /v1/audit-log: the tenant's audit entries, newest first, with filters; cursor = id of the last entry. */
export function auditRouter(ds: DataSource): Router {
  const r = Router();

  r.get('/audit-log', async (req, res) => {
    const { tenantId } = authOf(res);
    const q = validateInput(ListAuditQuery, { ...req.query }, { where: 'query string' });
    const rows = await listAuditEntries(ds, tenantId, q, q.limit + 1);
    const data = rows.slice(0, q.limit).map((a): AuditEntry => ({
      id: String(a.id), apiKeyId: a.api_key_id, userId: a.user_id, userEmail: a.user_email, action: a.action, entityType: a.entity_type, entityId: a.entity_id,
      before: a.before, after: a.after, createdAt: a.created_at,
    }));
    res.json({ data, nextCursor: rows.length > q.limit ? data[data.length - 1]!.id : null } satisfies AuditPage);
  });

  return r;
}
