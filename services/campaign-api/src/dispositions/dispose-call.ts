import type { ApiKeyRole, DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { recordOutboundEvents, writeAudit } from '@dialer/db';
import { leadQualifiedEvent } from '@dialer/domain';
import { scheduleLeadCallback } from '../callbacks/request-callback';
import type { CallDetail } from '../calls/call.dto';
import { findCallDetail, setManualDisposition, type CallDetailRow } from '../calls/calls.repository';
import { callLeadForRole } from '../compliance/compliance';
import type { AuthContext } from '../http/request-context';
import { findLead } from '../leads/lead-records.repository';
import { setLeadQualified } from '../leads/leads.repository';
import type { DispositionDto } from './disposition.dto';

/** A call as the API shows it to `role` (a viewer of a HIPAA campaign sees the lead masked). */
export function callDetailView(a: CallDetailRow, role: ApiKeyRole): CallDetail {
  return {
    id: a.id, campaignId: a.campaign_id, leadId: a.lead_id,
    lead: callLeadForRole({ phoneE164: a.phone_e164, firstName: a.first_name, lastName: a.last_name }, a.compliance_mode, role),
    attemptNo: a.attempt_no, provider: a.provider,
    providerCallId: a.provider_call_id, status: a.status, outcome: a.outcome, rawStatus: a.raw_status,
    answeredBy: a.answered_by, durationSeconds: a.duration_seconds, analysis: a.analysis ?? null,
    recordingUrl: a.recording_url, transcript: a.transcript, dialedAt: a.dialed_at, endedAt: a.ended_at,
    leadQualified: a.qualified,
    manualDisposition: a.manual_disposition ? { disposition: a.manual_disposition, note: a.manual_note, at: a.disposed_at } : null,
  };
}

/** One call of the tenant, in detail. */
export async function getCallDetail(ds: DataSource, auth: AuthContext, id: string): Promise<CallDetail> {
  const row = await findCallDetail(ds, auth.tenantId, id);
  if (!row) throw AppError.notFound('call attempt', id);
  return callDetailView(row, auth.role);
}

/**
 * A person's disposition of a call, in one transaction: the attempt locked, its manual disposition
 * (and the lead's qualified flag, when given) written, a callback scheduled when `callbackAt` is
 * sent (a refusal undoes the whole disposition), the change audited with its actor.
 */
export async function disposeCall(ds: DataSource, auth: AuthContext, id: string, dto: DispositionDto): Promise<CallDetail> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    const before = await findCallDetail(m, tenantId, id, { forUpdate: true });
    if (!before) throw AppError.notFound('call attempt', id);
    await setManualDisposition(m, tenantId, id, dto.disposition, dto.note ?? null);
    if (dto.qualified !== undefined) await setLeadQualified(m, tenantId, before.lead_id, dto.qualified);
    if (dto.callbackAgentOverride !== undefined && dto.callbackAt === undefined) {
      throw new AppError('validation_failed', 'request body is invalid: callbackAgentOverride needs callbackAt', {
        status: 400, details: [{ field: 'callbackAgentOverride', reason: 'needs callbackAt' }],
      });
    }
    if (dto.qualified === true && before.qualified !== true) {
      await recordOutboundEvents(m, [leadQualifiedEvent({ tenantId, campaignId: before.campaign_id, leadId: before.lead_id, callAttemptId: id, by: 'disposition' })]);
    }
    if (dto.callbackAt !== undefined) {
      const lead = await findLead(m, tenantId, before.lead_id, { forUpdate: true });
      if (!lead) throw AppError.notFound('lead', before.lead_id);
      await scheduleLeadCallback(m, auth, lead, {
        requestedAt: new Date(dto.callbackAt), source: 'disposition', callAttemptId: id, agentOverride: dto.callbackAgentOverride ?? null,
      });
    }
    const after = (await findCallDetail(m, tenantId, id))!;
    await writeAudit(m, {
      tenantId, apiKeyId, userId, action: 'call_attempt.disposition', entityType: 'call_attempt', entityId: id,
      before: { disposition: before.manual_disposition, qualified: before.qualified },
      after: { disposition: after.manual_disposition, qualified: after.qualified, note: after.manual_note },
    });
    return callDetailView(after, auth.role);
  });
}
