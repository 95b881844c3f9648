import { findPendingCallback, type CampaignEntity, type DataSource, type EntityManager, type LeadEntity } from '@dialer/db';
import { leadZones, noWindowDetail } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import { calleeZone, callbackView } from '../callbacks/request-callback';
import { getCampaign } from '../campaigns/campaigns.repository';
import { leadForRole } from '../compliance/compliance';
import type { AuthContext } from '../http/request-context';
import type { LeadView } from './lead.dto';
import type { LeadCall, LeadRecord } from './lead-record.dto';
import { findDispositionReason, findLead, listLeadAttempts, type LeadAttemptRow } from './lead-records.repository';
import { consentView } from '../consent/consent-view';
import { findCurrentConsent } from '../consent/consents.repository';

/** A lead as `role` may see it under its campaign's compliance mode, with why it ended when that needs words. */
export function leadView(l: LeadEntity, campaign: CampaignEntity, role: AuthContext['role']): LeadView {
  const dispositionDetail = l.disposition === 'no_window'
    ? noWindowDetail(campaign.callingWindow, l.phoneE164, leadZones(l.timezones, campaign.defaultTimezone)) : null;
  return { ...leadForRole(l, campaign.complianceMode, role), dispositionDetail };
}

function callView(a: LeadAttemptRow): LeadCall {
  return {
    id: a.id, attemptNo: a.attempt_no, status: a.status, outcome: a.outcome, answeredBy: a.answered_by,
    durationSeconds: a.duration_seconds, manualDisposition: a.manual_disposition, dialedAt: a.dialed_at, endedAt: a.ended_at, consentId: a.consent_id,
  };
}

/** The record of a lead read in `m` (its campaign and attempts), as `role` may see it. */
export async function leadRecord(m: DataSource | EntityManager, auth: AuthContext, lead: LeadEntity): Promise<LeadRecord> {
  const campaign = await getCampaign(m, auth.tenantId, lead.campaignId);
  const calls = await listLeadAttempts(m, auth.tenantId, lead.id);
  const cb = lead.status === 'done' ? null : await findPendingCallback(m, auth.tenantId, lead.id);
  const consent = await findCurrentConsent(m, auth.tenantId, lead.id);
  const view = leadView(lead, campaign, auth.role);
  // A lead the dialer ended for want of consent, or that the pre-dial hook refused: the reason given.
  if (view.dispositionDetail === null && (lead.disposition === 'no_consent' || lead.disposition === 'predial_refused')) {
    view.dispositionDetail = await findDispositionReason(m, auth.tenantId, lead.id);
  }
  return {
    ...view, calls: calls.map(callView), callback: cb && callbackView(cb, calleeZone(lead, campaign)), consent: consent && consentView(consent),
  };
}

/** One lead of the tenant with its call attempts and their outcomes; removed leads are unknown (404). */
export async function getLead(ds: DataSource, auth: AuthContext, id: string): Promise<LeadRecord> {
  const lead = await findLead(ds, auth.tenantId, id);
  if (!lead) throw AppError.notFound('lead', id);
  return leadRecord(ds, auth, lead);
}
