import { Router } from 'express';
import { queryRows, type DataSource } from '@dialer/db';
import type { CallStatus, Outcome } from '@dialer/domain';
import { validateInput } from '@dialer/platform';
import { getCampaign } from '../campaigns/campaigns.repository';
import { callLeadForRole } from '../compliance/compliance';
import { authOf, pathId } from '../http/request-context';
import { ListCallsQuery, type CallAttemptPage } from './call.dto';

interface CallRow {
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

/** GET /v1/campaigns/:id/calls: a campaign's call attempts, newest first; recordings and transcripts only on GET /v1/call-attempts/:id. */
export function callsRouter(ds: DataSource): Router {
  const r = Router();

  r.get('/campaigns/:id/calls', async (req, res) => {
    const { tenantId, role } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    const q = validateInput(ListCallsQuery, { ...req.query }, { where: 'query string' });
    const where = ['a.campaign_id = $1', 'a.tenant_id = $2'];
    const params: unknown[] = [campaign.id, tenantId];
    const add = (sql: string, v: unknown): void => {
      params.push(v);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (q.outcome) add('a.outcome = ?', q.outcome);
    if (q.from) add('a.created_at >= ?', q.from);
    if (q.to) add('a.created_at < ?', q.to);
    if (q.leadId) add('a.lead_id = ?', q.leadId);
    if (q.cursor) {
      add('(a.created_at, a.id) < (SELECT k.created_at, k.id FROM call_attempts k WHERE k.id = ? AND k.tenant_id = $2)', q.cursor);
    }
    params.push(q.limit + 1);
    const rows = await queryRows<CallRow>(ds,
      `SELECT a.id, a.lead_id, a.attempt_no, a.provider, a.status, a.outcome, a.answered_by, a.duration_seconds,
              a.dialed_at, a.ended_at, a.created_at, l.phone_e164, l.first_name, l.last_name
         FROM call_attempts a JOIN leads l ON l.id = a.lead_id AND l.tenant_id = a.tenant_id
        WHERE ${where.join(' AND ')}
        ORDER BY a.created_at DESC, a.id DESC LIMIT $${params.length}`, params);
    const data = rows.slice(0, q.limit).map((a) => ({
      id: a.id, leadId: a.lead_id,
      lead: callLeadForRole({ phoneE164: a.phone_e164, firstName: a.first_name, lastName: a.last_name }, campaign.complianceMode, role),
      attemptNo: a.attempt_no, provider: a.provider, status: a.status, outcome: a.outcome,
      answeredBy: a.answered_by, durationSeconds: a.duration_seconds, dialedAt: a.dialed_at, endedAt: a.ended_at, createdAt: a.created_at,
    }));
    res.json({ data, nextCursor: rows.length > q.limit ? data[data.length - 1]!.id : null } satisfies CallAttemptPage);
  });

  return r;
}
