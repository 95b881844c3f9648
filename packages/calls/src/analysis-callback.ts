import {
  callbackAfterCallFacts, findDncNumbers, lockAttempt, lockSettlementRows, recordOutboundEvents, writeAudit, writeCallback, type DataSource,
} from '@dialer/db';
import { callbackScheduledEvent, isTerminalCallStatus, scheduleCallback, type CallbackRefusal } from '@dialer/domain';
import { clock } from '@dialer/platform';

export type AnalysisCallbackResult =
  | { taken: true; dueAt: Date }
  | { taken: false; reason: CallbackRefusal | 'not_ended' | 'already_asked' | 'lead_moved_on' };

/**
 * A callback asked for by the AI's analysis of a call that had already ended when the analysis
 * came (Vapi sends the end-of-call-report after the status-update "ended"): the lead, settled by
 * this call and not yet dialled again, takes it as a person's request would (scheduleCallback),
 * in one transaction, audited with no actor. Asked once per call: a report delivered twice asks once.
 * A callback in the report that ends the call is taken by endAttempt itself (settleLeadWithCallback).
 */
export async function applyAnalysisCallback(ds: DataSource, callAttemptId: string, callbackAt: Date): Promise<AnalysisCallbackResult> {
  return ds.transaction(async (m): Promise<AnalysisCallbackResult> => {
    const attempt = await lockAttempt(m, callAttemptId);
    if (!attempt || !isTerminalCallStatus(attempt.status)) return { taken: false, reason: 'not_ended' };
    const rows = await lockSettlementRows(m, [attempt]);
    const lead = rows.leads.get(attempt.lead_id);
    const campaign = rows.campaigns.get(attempt.campaign_id);
    if (!lead || !campaign || lead.attempts !== attempt.attempt_no) return { taken: false, reason: 'lead_moved_on' };
    const facts = await callbackAfterCallFacts(m, lead.id, callAttemptId);
    if (facts.asked) return { taken: false, reason: 'already_asked' };
    const onDnc = (await findDncNumbers(m, attempt.tenant_id, attempt.campaign_id, [lead.phone_e164])).has(lead.phone_e164);
    const d = scheduleCallback({
      requestedAt: callbackAt, now: clock.now(),
      lead: { status: lead.status, attempts: lead.attempts, disposition: facts.disposition },
      onDnc,
      campaign: { status: campaign.status, maxAttempts: campaign.max_attempts, callingWindow: campaign.calling_window, defaultTimezone: campaign.default_timezone },
      callee: { phoneE164: lead.phone_e164, timezones: lead.timezones },
    });
    if (d.kind === 'refused') return { taken: false, reason: d.reason };
    const cb = await writeCallback(m, {
      tenantId: attempt.tenant_id, campaignId: attempt.campaign_id, leadId: lead.id, source: 'analysis', callAttemptId,
      requestedAt: callbackAt, dueAt: d.at, moved: d.moved,
    });
    await writeAudit(m, {
      tenantId: attempt.tenant_id, apiKeyId: null, action: 'lead.callback_requested', entityType: 'lead', entityId: lead.id,
      before: { status: lead.status },
      after: { callbackId: cb.id, source: 'analysis', callAttemptId, requestedAt: cb.requested_at, dueAt: cb.due_at, moved: cb.moved },
    });
    await recordOutboundEvents(m, [callbackScheduledEvent({
      tenantId: attempt.tenant_id, campaignId: attempt.campaign_id, leadId: lead.id, callbackId: cb.id, source: 'analysis', callAttemptId,
      requestedAt: cb.requested_at, dueAt: cb.due_at, moved: cb.moved,
    })]);
    return { taken: true, dueAt: d.at };
  });
}
