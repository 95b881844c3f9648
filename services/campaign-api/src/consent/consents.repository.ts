import { queryRows, type DataSource, type EntityManager } from '@dialer/db';
import type { ConsentType } from '@dialer/domain';

/*
 * The SQL of consent records (the `lead_consents` table). Every statement names the tenant. A
 * record is never deleted: a new one supersedes the current one, a revoke marks it.
 */

type Db = DataSource | EntityManager;

export interface ConsentRow {
  id: string;
  lead_id: string;
  type: ConsentType;
  granted_at: Date | null;
  source: string | null;
  consent_text: string | null;
  recorded_via: 'api' | 'lead' | 'import';
  created_at: Date;
  superseded_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

const COLUMNS = 'id, lead_id, type, granted_at, source, consent_text, recorded_via, created_at, superseded_at, revoked_at, revoked_reason';

export interface NewConsent {
  type: ConsentType;
  grantedAt: Date | null;
  source: string | null;
  text: string | null;
}

/** The lead's current record (possibly revoked), or null. */
export async function findCurrentConsent(m: Db, tenantId: string, leadId: string): Promise<ConsentRow | null> {
  const rows = await queryRows<ConsentRow>(m,
    `SELECT ${COLUMNS} FROM lead_consents WHERE lead_id = $1 AND tenant_id = $2 AND superseded_at IS NULL`, [leadId, tenantId]);
  return rows[0] ?? null;
}

/** Every record of the lead, newest first. */
export async function listConsents(m: Db, tenantId: string, leadId: string): Promise<ConsentRow[]> {
  return queryRows<ConsentRow>(m,
    `SELECT ${COLUMNS} FROM lead_consents WHERE lead_id = $1 AND tenant_id = $2 ORDER BY created_at DESC, id DESC`, [leadId, tenantId]);
}

/** On a lead locked by the caller: the current record is superseded and the new one becomes current. */
export async function writeConsent(m: EntityManager, tenantId: string, leadId: string, c: NewConsent, via: ConsentRow['recorded_via']): Promise<ConsentRow> {
  await m.query(
    `UPDATE lead_consents SET superseded_at = now() WHERE lead_id = $1 AND tenant_id = $2 AND superseded_at IS NULL`, [leadId, tenantId]);
  const rows = await queryRows<ConsentRow>(m,
    `INSERT INTO lead_consents (tenant_id, lead_id, type, granted_at, source, consent_text, recorded_via)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [tenantId, leadId, c.type, c.grantedAt, c.source, c.text, via]);
  return rows[0]!;
}

/** Revokes the lead's current record (locked lead); null when it has none that is not revoked already. */
export async function revokeCurrentConsent(m: EntityManager, tenantId: string, leadId: string, reason: string): Promise<ConsentRow | null> {
  const rows = await queryRows<ConsentRow>(m,
    `UPDATE lead_consents SET revoked_at = now(), revoked_reason = $3
      WHERE lead_id = $1 AND tenant_id = $2 AND superseded_at IS NULL AND revoked_at IS NULL RETURNING ${COLUMNS}`,
    [leadId, tenantId, reason]);
  return rows[0] ?? null;
}

/** A lead that ended for want of consent is pending again (due now); false when it is not (any more) such a lead. */
export async function reopenLeadRefusedForConsent(m: EntityManager, tenantId: string, leadId: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(m,
    `UPDATE leads SET status = 'pending', disposition = NULL, disposition_reason = NULL, next_attempt_at = now(), updated_at = now()
      WHERE id = $1 AND tenant_id = $2 AND status = 'done' AND disposition = 'no_consent' RETURNING id`, [leadId, tenantId]);
  return rows.length > 0;
}
