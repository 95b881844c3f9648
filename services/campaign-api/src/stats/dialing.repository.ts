import { accountBudgetSql, awaitsPostCallReport, countDueLeads, countLeadsDueBefore, queryRows, reportWaitParams, type CampaignEntity, type DataSource } from '@dialer/db';
import { isCallableAt, leadZones, rulesForCallee } from '@dialer/domain';
import type { DialingInput } from '@dialer/domain';

/** Counts stop here: a state needs "some" or "how many soon", never a count over a million rows. */
const COUNT_CAP = 100_000;

/**
 * What the dialing state of a running campaign needs beyond the counters: leads due now, the first
 * lead that becomes due (and whether its calling window is what it waits for), and a running import.
 * Both counts come from the trigger-kept due-minute counters plus part of one minute of the leads_due
 * index (never a count over the campaign's backlog); the first lead is the head of leads_due.
 */
export async function readDialingFacts(ds: DataSource, campaign: CampaignEntity, now: Date): Promise<Pick<DialingInput, 'dueNow' | 'next' | 'importRunning'>> {
  const [dueNow, [facts]] = await Promise.all([
    countDueLeads(ds, campaign.id, now, COUNT_CAP),
    queryRows<{ import_running: boolean }>(ds,
      `SELECT EXISTS (SELECT 1 FROM import_jobs WHERE campaign_id = $1 AND status IN ('pending', 'running')) AS import_running`, [campaign.id]),
  ]);
  const importRunning = facts?.import_running ?? false;
  if (dueNow > 0) return { dueNow, importRunning, next: null };
  const [first] = await queryRows<{ next_attempt_at: Date; timezones: string[] | null; phone_e164: string }>(ds,
    `SELECT next_attempt_at, timezones, phone_e164 FROM leads
      WHERE campaign_id = $1 AND status = 'pending' ORDER BY next_attempt_at LIMIT 1`, [campaign.id]);
  if (!first) return { dueNow, importRunning, next: null };
  // The first pending lead is the earliest, so "before a minute after it" is "within a minute of it".
  const soon = await countLeadsDueBefore(ds, campaign.id, new Date(first.next_attempt_at.getTime() + 60_000), COUNT_CAP);
  const zones = leadZones(first.timezones, campaign.defaultTimezone);
  const windowClosedNow = !isCallableAt(rulesForCallee(campaign.callingWindow ?? {}, first.phone_e164), zones, now);
  return { dueNow, importRunning, next: { at: first.next_attempt_at, leads: soon, windowClosedNow, zone: zones[0] ?? campaign.defaultTimezone } };
}

/**
 * Ended calls of the campaign whose post-call report is still awaited, as the completion check
 * counts them (read once every lead has ended: the campaign waits for these).
 */
export async function countReportsAwaited(ds: DataSource, campaignId: string, now: Date, graceMs: number): Promise<number> {
  const [r] = await queryRows<{ n: number }>(ds,
    `SELECT count(*)::int AS n FROM call_attempts a WHERE a.campaign_id = $5 AND ${awaitsPostCallReport(1)}`,
    [...reportWaitParams({ now, graceMs }), campaignId]);
  return r?.n ?? 0;
}

const ACCOUNT = accountBudgetSql('pc', 'sa');

/** The campaign's shared budgets: its tenant's limit, and its provider account (lease group) with the limit campaigns may use. */
export async function readBudgetLimits(ds: DataSource, campaign: CampaignEntity): Promise<{
  tenantLimit: number | null; accountGroup: string | null; accountLimit: number | null;
}> {
  const [r] = await queryRows<{ tenant_limit: number | null; account_group: string | null; account_limit: number | null }>(ds,
    `SELECT t.max_concurrent_calls AS tenant_limit,
            ${ACCOUNT.group} AS account_group, ${ACCOUNT.limit} AS account_limit
       FROM tenants t LEFT JOIN provider_connections pc ON pc.id = $2 AND pc.tenant_id = t.id
       ${ACCOUNT.join}
      WHERE t.id = $1`, [campaign.tenantId, campaign.providerConnectionId]);
  return { tenantLimit: r?.tenant_limit ?? null, accountGroup: r?.account_group ?? null, accountLimit: r?.account_limit ?? null };
}
