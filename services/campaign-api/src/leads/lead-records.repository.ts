import { queryRows, type DataSource, type EntityManager, type LeadEntity } from '@dialer/db';
import type { PreparedLead } from './prepare-lead';

/*
 * The SQL of lead records (read one, edit, soft-delete, search, export). Every statement names the
 * tenant; soft-deleted leads (deleted_at set) are invisible to all of them.
 */

type Db = DataSource | EntityManager;

const LEAD_COLUMNS = `l.id, l.tenant_id, l.campaign_id, l.phone_e164, l.first_name, l.last_name, l.email, l.timezones, l.custom,
  l.status, l.attempts, l.next_attempt_at, l.disposition, l.qualified, l.last_attempt_at, l.import_id, l.created_at, l.updated_at`;

interface LeadRow {
  id: string; tenant_id: string; campaign_id: string; phone_e164: string; first_name: string | null; last_name: string | null;
  email: string | null; timezones: string[] | null; custom: Record<string, string> | null; status: LeadEntity['status'];
  attempts: number; next_attempt_at: Date; disposition: string | null; qualified: boolean | null; last_attempt_at: Date | null;
  import_id: string | null; created_at: Date; updated_at: Date;
}

function toLead(r: LeadRow): LeadEntity {
  return {
    id: r.id, tenantId: r.tenant_id, campaignId: r.campaign_id, phoneE164: r.phone_e164, firstName: r.first_name, lastName: r.last_name,
    email: r.email, timezones: r.timezones ?? [], custom: r.custom ?? {}, status: r.status, attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at, disposition: r.disposition, qualified: r.qualified, lastAttemptAt: r.last_attempt_at,
    importId: r.import_id, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** The tenant's live lead (optionally locked for an edit), or null. */
export async function findLead(m: Db, tenantId: string, id: string, o: { forUpdate?: boolean } = {}): Promise<LeadEntity | null> {
  const rows = await queryRows<LeadRow>(m,
    `SELECT ${LEAD_COLUMNS} FROM leads l WHERE l.id = $1 AND l.tenant_id = $2 AND l.deleted_at IS NULL${o.forUpdate ? ' FOR UPDATE' : ''}`,
    [id, tenantId]);
  return rows[0] ? toLead(rows[0]) : null;
}

/** One call attempt of a lead, as its record shows it. */
export interface LeadAttemptRow {
  id: string;
  attempt_no: number;
  status: string;
  outcome: string | null;
  answered_by: string | null;
  duration_seconds: number | null;
  dialed_at: Date | null;
  ended_at: Date | null;
  /** The consent record the call relied on. */
  consent_id: string | null;
  manual_disposition: string | null;
  created_at: Date;
}

/** A lead's call attempts, first attempt first. */
export async function listLeadAttempts(m: Db, tenantId: string, leadId: string): Promise<LeadAttemptRow[]> {
  return queryRows<LeadAttemptRow>(m,
    `SELECT id, attempt_no, status, outcome, answered_by, duration_seconds, dialed_at, ended_at, manual_disposition, created_at, consent_id
       FROM call_attempts WHERE lead_id = $1 AND tenant_id = $2 ORDER BY attempt_no`, [leadId, tenantId]);
}

/** Why the lead ended, in the words of who ended it (a pre-dial hook's refusal, the consent check), or null. */
export async function findDispositionReason(m: Db, tenantId: string, leadId: string): Promise<string | null> {
  const rows = await queryRows<{ disposition_reason: string | null }>(m,
    `SELECT disposition_reason FROM leads WHERE id = $1 AND tenant_id = $2`, [leadId, tenantId]);
  return rows[0]?.disposition_reason ?? null;
}

/** Another live or removed lead of the campaign already holds this number (the unique key holds removed ones too). */
export async function phoneTaken(m: Db, campaignId: string, phoneE164: string, exceptLeadId: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(m,
    `SELECT id FROM leads WHERE campaign_id = $1 AND phone_e164 = $2 AND id <> $3`, [campaignId, phoneE164, exceptLeadId]);
  return rows.length > 0;
}

/** A lead's new fields as the import would prepare them (prepare-lead.ts), and whether it ends as DNC. */
export type LeadChanges = Omit<PreparedLead, 'country'> & {
  /** Set when the new number is on a DNC list: the lead ends as the import would have refused it. */
  endAsDnc: boolean;
};

/** Writes an edit decided by updateLead. */
export async function writeLeadChanges(m: EntityManager, tenantId: string, id: string, c: LeadChanges): Promise<void> {
  await m.query(
    `UPDATE leads SET phone_e164 = $3, first_name = $4, last_name = $5, email = $6, timezones = $7::text[], custom = $8::jsonb,
            status = CASE WHEN $9::boolean THEN 'done' ELSE status END,
            disposition = CASE WHEN $9::boolean THEN 'dnc' ELSE disposition END,
            updated_at = now()
      WHERE id = $1 AND tenant_id = $2`,
    [id, tenantId, c.phoneE164, c.firstName, c.lastName, c.email, c.timezones, JSON.stringify(c.custom), c.endAsDnc]);
}

/**
 * Soft-deletes a lead: hidden from every read, and done (an open lead ends as `removed`; a done
 * lead keeps its disposition), so the feeder never selects it again. The row and its attempts stay.
 */
export async function softDeleteLead(m: EntityManager, tenantId: string, id: string): Promise<void> {
  await m.query(
    `UPDATE leads SET deleted_at = now(), updated_at = now(),
            disposition = CASE WHEN status = 'done' THEN disposition ELSE 'removed' END, status = 'done'
      WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL`, [id, tenantId]);
}

export interface LeadSearch {
  /** Text matched against names and email (substring, any case). */
  text?: string;
  /** A whole number in E.164 (exact match). */
  phoneE164?: string;
  /** Digits matched anywhere in the number. */
  digits?: string;
  campaignId?: string;
  status?: string;
  cursor?: string;
}

/** The tenant's live leads (of campaigns not deleted) matching the search, oldest first: at most `limit`. */
export async function searchLeads(ds: DataSource, tenantId: string, s: LeadSearch, limit: number): Promise<LeadEntity[]> {
  const params: unknown[] = [tenantId];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = ['l.tenant_id = $1', 'l.deleted_at IS NULL', 'c.deleted_at IS NULL'];
  const match: string[] = [];
  if (s.text !== undefined) {
    const like = p(`%${s.text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    match.push(`l.first_name ILIKE ${like}`, `l.last_name ILIKE ${like}`, `(coalesce(l.first_name, '') || ' ' || coalesce(l.last_name, '')) ILIKE ${like}`,
      `l.email ILIKE ${like}`);
  }
  if (s.phoneE164 !== undefined) match.push(`l.phone_e164 = ${p(s.phoneE164)}`);
  if (s.digits !== undefined) match.push(`strpos(l.phone_e164, ${p(s.digits)}) > 0`);
  if (match.length) where.push(`(${match.join(' OR ')})`);
  if (s.campaignId !== undefined) where.push(`l.campaign_id = ${p(s.campaignId)}`);
  if (s.status !== undefined) where.push(`l.status = ${p(s.status)}`);
  if (s.cursor !== undefined) {
    where.push(`(l.created_at, l.id) > (SELECT k.created_at, k.id FROM leads k WHERE k.id = ${p(s.cursor)} AND k.tenant_id = $1)`);
  }
  const rows = await queryRows<LeadRow>(ds,
    `SELECT ${LEAD_COLUMNS} FROM leads l JOIN campaigns c ON c.id = l.campaign_id
      WHERE ${where.join(' AND ')} ORDER BY l.created_at, l.id LIMIT ${p(limit)}`, params);
  return rows.map(toLead);
}

/** One lead of an export: the lead, its attempts and its last call. */
export interface ExportRow {
  id: string;
  phone_e164: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  status: string;
  disposition: string | null;
  attempts: number;
  last_attempt_at: Date | null;
  qualified: boolean | null;
  custom: Record<string, unknown> | null;
  last_outcome: string | null;
  last_call_at: Date | null;
}

/**
 * A batch of a campaign's live leads for the CSV export, oldest first after `after` (keyset paging:
 * the export walks the campaign in batches and never holds it whole).
 */
export async function exportBatch(
  ds: DataSource, tenantId: string, campaignId: string, afterId: string | null, limit: number,
): Promise<ExportRow[]> {
  return queryRows<ExportRow>(ds,
    `SELECT l.id, l.phone_e164, l.first_name, l.last_name, l.email, l.status, l.disposition, l.attempts,
            l.last_attempt_at, l.qualified, l.custom, a.outcome AS last_outcome, coalesce(a.ended_at, a.dialed_at, a.created_at) AS last_call_at
       FROM leads l
       LEFT JOIN LATERAL (SELECT outcome, ended_at, dialed_at, created_at FROM call_attempts
                           WHERE lead_id = l.id ORDER BY attempt_no DESC LIMIT 1) a ON true
      WHERE l.campaign_id = $1 AND l.tenant_id = $2 AND l.deleted_at IS NULL
        AND ($3::uuid IS NULL OR (l.created_at, l.id) > (SELECT k.created_at, k.id FROM leads k WHERE k.id = $3::uuid))
      ORDER BY l.created_at, l.id LIMIT $4`,
    [campaignId, tenantId, afterId, limit]);
}

/** The custom field names used by a campaign's live leads (the export's extra columns), sorted. */
export async function campaignCustomKeys(ds: DataSource, tenantId: string, campaignId: string): Promise<string[]> {
  const rows = await queryRows<{ key: string }>(ds,
    `SELECT DISTINCT k.key FROM leads l CROSS JOIN LATERAL jsonb_object_keys(l.custom) AS k(key)
      WHERE l.campaign_id = $1 AND l.tenant_id = $2 AND l.deleted_at IS NULL ORDER BY 1 LIMIT 500`, [campaignId, tenantId]);
  return rows.map((r) => r.key);
}
