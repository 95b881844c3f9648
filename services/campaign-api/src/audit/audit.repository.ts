import type { EntityManager } from '@dialer/db';

export interface AuditEntry {
  tenantId: string;
  /** Null when the system (the scheduler tick) made the change. */
  apiKeyId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/** Appends an audit row; call it inside the transaction of the change it records. */
export async function writeAudit(m: EntityManager, e: AuditEntry): Promise<void> {
  await m.query(
    `INSERT INTO audit_log (tenant_id, api_key_id, action, entity_type, entity_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
    [e.tenantId, e.apiKeyId, e.action, e.entityType, e.entityId,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after)]);
}
