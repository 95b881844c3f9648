import type { EntityManager } from 'typeorm';
import type { CallingWindow, CampaignStatus, LeadNext, LeadStatus, RetryPolicy } from '@dialer/domain';
import { preparedQuery, type PreparedQuery } from '../sql';

/**
 * The leads statements of a settlement, run by `applyCallUpdate` (packages/calls) in the same
 * transaction as the attempt's: the lead locked and read with its campaign's rules, then written
 * as `settleLead` (packages/domain) decided. Prepared statements: they run once per ended call.
 */

/** The lead and campaign rows a settlement reads (the lead locked). */
export interface SettlementLead {
  id: string;
  status: LeadStatus;
  attempts: number;
  timezones: string[];
  phone_e164: string;
}
export interface SettlementCampaign {
  max_attempts: number;
  retry_policy: RetryPolicy | null;
  calling_window: CallingWindow | null;
  default_timezone: string;
  status: CampaignStatus;
}

const LOCK_LEAD: PreparedQuery = {
  name: 'apply-lock-lead',
  text: `SELECT id, status, attempts, timezones, phone_e164 FROM leads WHERE id = $1 FOR UPDATE`,
};
const CAMPAIGN_RULES: PreparedQuery = {
  name: 'apply-campaign-rules',
  text: `SELECT max_attempts, retry_policy, calling_window, default_timezone, status FROM campaigns WHERE id = $1`,
};
const LEAD_DONE: PreparedQuery = {
  name: 'apply-lead-done',
  text: `UPDATE leads SET status = 'done', disposition = $2, updated_at = now() WHERE id = $1`,
};
const LEAD_RETRY: PreparedQuery = {
  name: 'apply-lead-retry',
  text: `UPDATE leads SET status = 'pending', disposition = $2, next_attempt_at = $3, updated_at = now() WHERE id = $1`,
};

/** The lead (locked) and its campaign's rules, read to settle the lead after its attempt ended. */
export async function lockSettlementRows(
  m: EntityManager, a: { lead_id: string; campaign_id: string },
): Promise<{ lead: SettlementLead | undefined; campaign: SettlementCampaign | undefined }> {
  const lead = (await preparedQuery<SettlementLead>(m, LOCK_LEAD, [a.lead_id])).rows[0];
  const campaign = (await preparedQuery<SettlementCampaign>(m, CAMPAIGN_RULES, [a.campaign_id])).rows[0];
  return { lead, campaign };
}

/** Writes what settleLead decided: done with its disposition, or pending again at the retry time. */
export async function writeLeadSettlement(m: EntityManager, leadId: string, next: Exclude<LeadNext, { kind: 'unchanged' }>): Promise<void> {
  if (next.kind === 'final') await preparedQuery(m, LEAD_DONE, [leadId, next.disposition]);
  else await preparedQuery(m, LEAD_RETRY, [leadId, next.disposition, next.at]);
}
