import {
  findDncNumbers, findProviderConnection, recordOutboundEvents, writeAudit, writeCallback, type CallbackRow, type CallbackSource, type CampaignEntity, type DataSource,
  type EntityManager, type LeadEntity,
} from '@dialer/db';
import { callbackScheduledEvent, leadZones, localTimeIn, scheduleCallback } from '@dialer/domain';
import { AppError, clock } from '@dialer/platform';
import { assertOverridesFit } from '../campaigns/campaign-checks';
import { getCampaign } from '../campaigns/campaigns.repository';
import type { AuthContext } from '../http/request-context';
import { findLead } from '../leads/lead-records.repository';
import type { Callback } from './callback.dto';

/** The zone a callback's local time is shown in: the lead's first candidate zone, or the campaign's default. */
export function calleeZone(lead: Pick<LeadEntity, 'timezones'>, campaign: Pick<CampaignEntity, 'defaultTimezone'>): string {
  return leadZones(lead.timezones, campaign.defaultTimezone)[0] ?? campaign.defaultTimezone;
}

/** A callback as the API shows it, its times also in the callee's zone. */
export function callbackView(c: CallbackRow, zone: string): Callback {
  const local = (d: Date): string => localTimeIn(d, zone) ?? d.toISOString();
  return {
    id: c.id, leadId: c.lead_id, campaignId: c.campaign_id, source: c.source, callAttemptId: c.call_attempt_id,
    requestedAt: c.requested_at, dueAt: c.due_at, moved: c.moved,
    movedReason: c.moved === 'outside_window'
      ? `requested ${local(c.requested_at)} is outside the callee's calling window; moved to the next legal moment, ${local(c.due_at)}`
      : c.moved === 'in_the_past' ? `requested ${local(c.requested_at)} had passed; due as soon as allowed, ${local(c.due_at)}` : null,
    status: c.status, timezone: zone, localDueAt: local(c.due_at), createdAt: c.created_at, agentOverride: c.agent_override,
  };
}

export interface CallbackAsk {
  requestedAt: Date;
  source: CallbackSource;
  callAttemptId: string | null;
  /** Only through this agent or flow (checked against the campaign's connection type). */
  agentOverride?: string | null;
}

/**
 * Schedules a callback on a lead the caller has locked, in the caller's transaction: the domain
 * decides (scheduleCallback: window, legal floor, DNC, attempt cap, lead and campaign state), a
 * refusal answers 409 with its reason; otherwise the callback is written (replacing a pending one),
 * the lead is pending and due at its time, and the request is audited with its actor.
 */
export async function scheduleLeadCallback(m: EntityManager, auth: AuthContext, lead: LeadEntity, ask: CallbackAsk): Promise<Callback> {
  const campaign = await getCampaign(m, auth.tenantId, lead.campaignId);
  if (ask.agentOverride) await assertCallbackAgentFits(m, auth.tenantId, campaign, ask.agentOverride);
  const onDnc = (await findDncNumbers(m, auth.tenantId, lead.campaignId, [lead.phoneE164])).has(lead.phoneE164);
  const decision = scheduleCallback({
    requestedAt: ask.requestedAt, now: clock.now(),
    lead: { status: lead.status, attempts: lead.attempts, disposition: lead.disposition },
    onDnc,
    campaign: {
      status: campaign.status, maxAttempts: campaign.maxAttempts, callingWindow: campaign.callingWindow, defaultTimezone: campaign.defaultTimezone,
    },
    callee: { phoneE164: lead.phoneE164, timezones: lead.timezones },
  });
  if (decision.kind === 'refused') {
    throw new AppError('callback_refused', decision.message, { status: 409, details: { reason: decision.reason } });
  }
  const cb = await writeCallback(m, {
    tenantId: auth.tenantId, campaignId: lead.campaignId, leadId: lead.id, source: ask.source, callAttemptId: ask.callAttemptId,
    requestedAt: ask.requestedAt, dueAt: decision.at, moved: decision.moved, agentOverride: ask.agentOverride ?? null,
  });
  await writeAudit(m, {
    tenantId: auth.tenantId, apiKeyId: auth.apiKeyId, userId: auth.userId, action: 'lead.callback_requested', entityType: 'lead', entityId: lead.id,
    before: { status: lead.status, nextAttemptAt: lead.nextAttemptAt },
    after: { callbackId: cb.id, source: cb.source, requestedAt: cb.requested_at, dueAt: cb.due_at, moved: cb.moved, agentOverride: cb.agent_override },
  });
  await recordOutboundEvents(m, [callbackScheduledEvent({
    tenantId: auth.tenantId, campaignId: lead.campaignId, leadId: lead.id, callbackId: cb.id, source: cb.source, callAttemptId: ask.callAttemptId,
    requestedAt: cb.requested_at, dueAt: cb.due_at, moved: cb.moved,
  })]);
  return callbackView(cb, calleeZone(lead, campaign));
}

/** 400 unless a callback's own agent fits the campaign's provider connection type (as the campaign's agentOverride must). */
async function assertCallbackAgentFits(m: EntityManager, tenantId: string, campaign: CampaignEntity, agent: string): Promise<void> {
  const conn = campaign.providerConnectionId ? await findProviderConnection(m, campaign.providerConnectionId, { tenantId, includeDeleted: true }) : null;
  try {
    assertOverridesFit(conn, { agent, callerId: null });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    throw new AppError(err.code, err.message.replace('agentOverride:', 'agentOverride (the callback\'s):'), { status: err.status, details: err.details });
  }
}

/** POST /v1/leads/:id/callback: a callback asked for through the API. */
export async function requestCallback(
  ds: DataSource, auth: AuthContext, leadId: string, requestedAt: Date, agentOverride: string | null = null,
): Promise<Callback> {
  return ds.transaction(async (m) => {
    const lead = await findLead(m, auth.tenantId, leadId, { forUpdate: true });
    if (!lead) throw AppError.notFound('lead', leadId);
    return scheduleLeadCallback(m, auth, lead, { requestedAt, source: 'api', callAttemptId: null, agentOverride });
  });
}
