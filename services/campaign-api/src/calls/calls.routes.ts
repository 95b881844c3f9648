import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { validateInput } from '@dialer/platform';
import { getCampaign } from '../campaigns/campaigns.repository';
import { callLeadForRole } from '../compliance/compliance';
import { authOf, pathId } from '../http/request-context';
import { ListCallsQuery, type CallAttemptPage } from './call.dto';
import { listCampaignCalls } from './calls.repository';

/** GET /v1/campaigns/:id/calls: a campaign's call attempts, newest first; recordings and transcripts only on GET /v1/call-attempts/:id. */
export function callsRouter(ds: DataSource): Router {
  const r = Router();

  r.get('/campaigns/:id/calls', async (req, res) => {
    const { tenantId, role } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    const q = validateInput(ListCallsQuery, { ...req.query }, { where: 'query string' });
    const rows = await listCampaignCalls(ds, tenantId, campaign.id, q, q.limit + 1);
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
