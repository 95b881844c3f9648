import type { CallStatus, Outcome } from './call-status';
import type { OutboundEvent } from './outbound-events';

/**
 * The data of the outbound events a call's end causes. `call.ended` carries the outcome and, as the
 * campaign's compliance mode allows, the recording link and the provider's analysis (standard: both;
 * pci: the analysis only; hipaa: neither); the call's detail (`links.call`) is read through the API,
 * which applies the reader's role too. `lead.completed` when the lead is settled for good.
 */
export function attemptEndEvents(e: {
  attempt: { id: string; tenant_id: string; campaign_id: string; lead_id: string; attempt_no: number };
  status: CallStatus;
  outcome: Outcome;
  update: { durationSeconds?: number | null; answeredBy?: string | null; providerCallId?: string | null; recordingUrl?: string | null; analysis?: unknown };
  at: Date;
  lead?: { final: boolean; disposition: string | null; nextAttemptAt: Date | null };
  complianceMode: 'standard' | 'hipaa' | 'pci';
}): OutboundEvent[] {
  const a = e.attempt;
  const base = { tenantId: a.tenant_id, campaignId: a.campaign_id };
  const events: OutboundEvent[] = [{
    ...base,
    type: 'call.ended',
    data: {
      callAttemptId: a.id, campaignId: a.campaign_id, leadId: a.lead_id, attemptNo: a.attempt_no,
      status: e.status, outcome: e.outcome, durationSeconds: e.update.durationSeconds ?? null, answeredBy: e.update.answeredBy ?? null,
      providerCallId: e.update.providerCallId ?? null, endedAt: e.at.toISOString(),
      recordingUrl: e.complianceMode === 'standard' ? e.update.recordingUrl ?? null : null,
      analysis: e.complianceMode === 'hipaa' ? null : e.update.analysis ?? null,
      lead: e.lead ? { final: e.lead.final, disposition: e.lead.disposition, nextAttemptAt: e.lead.nextAttemptAt?.toISOString() ?? null } : null,
      links: { call: `/v1/call-attempts/${a.id}` },
    },
  }];
  if (e.lead?.final) {
    events.push({
      ...base,
      type: 'lead.completed',
      data: {
        leadId: a.lead_id, campaignId: a.campaign_id, disposition: e.lead.disposition, attempts: a.attempt_no,
        lastCallAttemptId: a.id, completedAt: e.at.toISOString(), links: { lead: `/v1/leads/${a.lead_id}` },
      },
    });
  }
  return events;
}

/** `lead.callback_scheduled`: a callback was asked for a lead (by the API, a disposition or the call's analysis). */
export function callbackScheduledEvent(c: {
  tenantId: string; campaignId: string; leadId: string; callbackId: string; source: string; callAttemptId: string | null;
  requestedAt: Date; dueAt: Date; moved: string | null;
}): OutboundEvent {
  return {
    tenantId: c.tenantId, campaignId: c.campaignId, type: 'lead.callback_scheduled',
    data: {
      callbackId: c.callbackId, leadId: c.leadId, campaignId: c.campaignId, source: c.source, callAttemptId: c.callAttemptId,
      requestedAt: new Date(c.requestedAt).toISOString(), dueAt: new Date(c.dueAt).toISOString(), moved: c.moved,
    },
  };
}

/** `lead.qualified`: the campaign's qualification rule (or a person) marked the lead qualified. */
export function leadQualifiedEvent(q: { tenantId: string; campaignId: string; leadId: string; callAttemptId: string | null; by: 'rule' | 'disposition' }): OutboundEvent {
  return {
    tenantId: q.tenantId, campaignId: q.campaignId, type: 'lead.qualified',
    data: { leadId: q.leadId, campaignId: q.campaignId, callAttemptId: q.callAttemptId, by: q.by, links: { lead: `/v1/leads/${q.leadId}` } },
  };
}

/** `call.started`: the provider accepted the call. */
export function callStartedEvent(c: { tenantId: string; campaignId: string; leadId: string; callAttemptId: string; attemptNo: number; providerCallId: string; at: Date }): OutboundEvent {
  return {
    tenantId: c.tenantId, campaignId: c.campaignId, type: 'call.started',
    data: {
      callAttemptId: c.callAttemptId, campaignId: c.campaignId, leadId: c.leadId, attemptNo: c.attemptNo, providerCallId: c.providerCallId,
      startedAt: c.at.toISOString(),
    },
  };
}

/** `campaign.status_changed`: a command, the scheduler or completion moved a campaign. */
export function campaignStatusChangedEvent(c: {
  tenantId: string; campaignId: string; from: string; to: string; version: number; by: 'command' | 'scheduler' | 'completion'; command?: string;
}): OutboundEvent {
  return {
    tenantId: c.tenantId, campaignId: c.campaignId, type: 'campaign.status_changed',
    data: {
      campaignId: c.campaignId, from: c.from, to: c.to, version: c.version, by: c.by, command: c.command ?? null,
      changedAt: new Date().toISOString(), links: { campaign: `/v1/campaigns/${c.campaignId}` },
    },
  };
}

/** `import.completed` / `import.failed`: a lead import ended. */
export function importEndedEvent(i: {
  tenantId: string; campaignId: string; importId: string; ok: boolean; counts: Record<string, number>; error?: string | null;
}): OutboundEvent {
  return {
    tenantId: i.tenantId, campaignId: i.campaignId, type: i.ok ? 'import.completed' : 'import.failed',
    data: {
      importId: i.importId, campaignId: i.campaignId, ...i.counts, error: i.ok ? null : i.error ?? null,
      endedAt: new Date().toISOString(), links: { import: `/v1/imports/${i.importId}` },
    },
  };
}
