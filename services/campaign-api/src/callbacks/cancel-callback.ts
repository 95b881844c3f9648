import { cancelCallback as cancelCallbackRow, writeAudit, type DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import { findLead } from '../leads/lead-records.repository';

/**
 * DELETE /v1/leads/:id/callback: the lead's pending callback is cancelled and what it replaced is
 * restored (its retry time, or a reopened lead's end); audited. 404 when none is pending; 409
 * while the lead is in a call (its call is the callback being made).
 */
export async function cancelCallback(ds: DataSource, auth: AuthContext, leadId: string): Promise<void> {
  await ds.transaction(async (m) => {
    const lead = await findLead(m, auth.tenantId, leadId, { forUpdate: true });
    if (!lead) throw AppError.notFound('lead', leadId);
    if (lead.status === 'queued' || lead.status === 'dialing') {
      throw new AppError('lead_in_call', `the lead is being dialled (${lead.status}): its callback is being made`, { status: 409 });
    }
    const cb = await cancelCallbackRow(m, auth.tenantId, leadId);
    if (!cb) throw AppError.notFound('pending callback of lead', leadId);
    await writeAudit(m, {
      tenantId: auth.tenantId, apiKeyId: auth.apiKeyId, userId: auth.userId, action: 'lead.callback_cancelled', entityType: 'lead', entityId: leadId,
      before: { callbackId: cb.id, source: cb.source, dueAt: cb.due_at }, after: null,
    });
  });
}
