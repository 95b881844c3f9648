import { closeCallbacksOfEndedLeads, writeAudit, type DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import { leadAuditSnapshot, leadInCall } from './update-lead';
import { findLead, softDeleteLead } from './lead-records.repository';

/**
 * Removes a lead from its campaign: a soft delete, in one transaction with its audit entry. The
 * row stays, hidden from every read and done (an open lead ends as `removed`, a done lead keeps its
 * disposition), so the feeder never selects it again; its call attempts stay, so the campaign's
 * call counters and the recount (packages/db recount-campaign.ts) keep agreeing, and its number
 * keeps deduplicating re-imports into the campaign. A lead being dialled (queued, dialing) answers
 * 409: its call must end first.
 */
export async function deleteLead(ds: DataSource, auth: AuthContext, id: string): Promise<void> {
  const { tenantId, apiKeyId, userId } = auth;
  await ds.transaction(async (m) => {
    const lead = await findLead(m, tenantId, id, { forUpdate: true });
    if (!lead) throw AppError.notFound('lead', id);
    if (lead.status === 'queued' || lead.status === 'dialing') throw leadInCall(lead.status, 'removed');
    await softDeleteLead(m, tenantId, id);
    await closeCallbacksOfEndedLeads(m, tenantId, { leadId: id });
    await writeAudit(m, {
      tenantId, apiKeyId, userId, action: 'lead.delete', entityType: 'lead', entityId: id,
      before: leadAuditSnapshot(lead), after: { deleted: true, status: 'done', disposition: lead.status === 'done' ? lead.disposition : 'removed' },
    });
  });
}
