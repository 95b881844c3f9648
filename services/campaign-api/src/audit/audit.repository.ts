import type { EntityManager } from '@dialer/db';

export interface AuditEntry {
  tenantId: string;
  /** The API key of the change; null for a person or the system (the scheduler tick). */
  apiKeyId: string | null;
  /** The signed-in person of the change; null for an API key or the system. */
  userId?: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/** Appends an audit row; call it inside the transaction of the change it records. */
export async function writeAudit(m: EntityManager, e: AuditEntry): Promise<void> {
  await m.query(
    `INSERT INTO audit_log (tenant_id, api_key_id, user_id, action, entity_type, entity_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`,
    [e.tenantId, e.apiKeyId, e.userId ?? null, e.action, e.entityType, e.entityId,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after)]);
}
