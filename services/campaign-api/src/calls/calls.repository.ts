import { mutate, queryRows, type DataSource, type EntityManager } from '@dialer/db';
import type { CallStatus, Outcome } from '@dialer/domain';
import type { ComplianceMode } from '../compliance/compliance';

/** One call attempt with its lead's name and number and its campaign's compliance mode. */
export interface CallDetailRow {
  id: string;
  campaign_id: string;
  lead_id: string;
  attempt_no: number;
  provider: string;
  provider_call_id: string | null;
  status: CallStatus;
  outcome: Outcome | null;
  raw_status: string | null;
  answered_by: string | null;
  duration_seconds: number | null;
  analysis: unknown;
  recording_url: string | null;
  transcript: string | null;
  manual_disposition: string | null;
  manual_note: string | null;
  disposed_at: Date | null;
  dialed_at: Date | null;
  ended_at: Date | null;
  qualified: boolean | null;
  phone_e164: string;
  first_name: string | null;
  last_name: string | null;
  compliance_mode: ComplianceMode;
}

const SELECT_CALL_DETAIL = `
  SELECT a.id, a.campaign_id, a.lead_id, a.attempt_no, a.provider, a.provider_call_id, a.status, a.outcome, a.raw_status,
         a.answered_by, a.duration_seconds, a.analysis, a.recording_url, a.transcript, a.manual_disposition, a.manual_note,
         a.disposed_at, a.dialed_at, a.ended_at, l.qualified, l.phone_e164, l.first_name, l.last_name, c.compliance_mode
    FROM call_attempts a JOIN leads l ON l.id = a.lead_id AND l.tenant_id = a.tenant_id
    JOIN campaigns c ON c.id = a.campaign_id AND c.tenant_id = a.tenant_id
   WHERE a.id = $1 AND a.tenant_id = $2`;

/** A tenant's call attempt in detail; `forUpdate` locks the attempt row in the caller's transaction. */
export async function findCallDetail(
  m: DataSource | EntityManager, tenantId: string, id: string, opts: { forUpdate?: boolean } = {},
): Promise<CallDetailRow | null> {
  const rows = await queryRows<CallDetailRow>(m, opts.forUpdate ? `${SELECT_CALL_DETAIL} FOR UPDATE OF a` : SELECT_CALL_DETAIL, [id, tenantId]);
  return rows[0] ?? null;
}

/** A person's disposition of a call, stamped now. */
export async function setManualDisposition(m: EntityManager, tenantId: string, id: string, disposition: string, note: string | null): Promise<void> {
  await mutate(m,
    `UPDATE call_attempts SET manual_disposition = $3, manual_note = $4, disposed_at = now() WHERE id = $1 AND tenant_id = $2`,
    [id, tenantId, disposition, note]);
}

/** One call attempt of a campaign's list of calls. */
export interface CallRow {
  id: string;
  lead_id: string;
  attempt_no: number;
  provider: string;
  status: CallStatus;
  outcome: Outcome | null;
  answered_by: string | null;
  duration_seconds: number | null;
  dialed_at: Date | null;
  ended_at: Date | null;
  created_at: Date;
  phone_e164: string;
  first_name: string | null;
  last_name: string | null;
}

export interface CallFilter {
  outcome?: Outcome;
  from?: Date;
  to?: Date;
  leadId?: string;
  /** The last call of the previous page: calls older than it. */
  cursor?: string;
}

/** A campaign's call attempts, newest first: at most `limit` after the filter. */
export async function listCampaignCalls(
  ds: DataSource, tenantId: string, campaignId: string, f: CallFilter, limit: number,
): Promise<CallRow[]> {
  const where = ['a.campaign_id = $1', 'a.tenant_id = $2'];
  const params: unknown[] = [campaignId, tenantId];
  const add = (sql: string, v: unknown): void => {
    params.push(v);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (f.outcome) add('a.outcome = ?', f.outcome);
  if (f.from) add('a.created_at >= ?', f.from);
  if (f.to) add('a.created_at < ?', f.to);
  if (f.leadId) add('a.lead_id = ?', f.leadId);
  if (f.cursor) {
    add('(a.created_at, a.id) < (SELECT k.created_at, k.id FROM call_attempts k WHERE k.id = ? AND k.tenant_id = $2)', f.cursor);
  }
  params.push(limit);
  return queryRows<CallRow>(ds,
    `SELECT a.id, a.lead_id, a.attempt_no, a.provider, a.status, a.outcome, a.answered_by, a.duration_seconds,
            a.dialed_at, a.ended_at, a.created_at, l.phone_e164, l.first_name, l.last_name
       FROM call_attempts a JOIN leads l ON l.id = a.lead_id AND l.tenant_id = a.tenant_id
      WHERE ${where.join(' AND ')}
      ORDER BY a.created_at DESC, a.id DESC LIMIT $${params.length}`, params);
}
