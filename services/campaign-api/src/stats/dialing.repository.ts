import { accountBudgetSql, queryRows, type CampaignEntity, type DataSource } from '@dialer/db';
import { isCallableAt, leadZones, rulesForCallee } from '@dialer/domain';
import type { DialingInput } from '@dialer/domain';

/** Counts stop here: a state needs "some" or "how many soon", never a count over a million rows. */
const COUNT_CAP = 100_000;

/**
 * What the dialing state of a running campaign needs beyond the counters: leads due now, the first
 * lead that becomes due (and whether its calling window is what it waits for), and a running import.
 * Every read uses the leads_due index (campaign, next attempt time, pending only).
 */
export async function readDialingFacts(ds: DataSource, campaign: CampaignEntity, now: Date): Promise<Pick<DialingInput, 'dueNow' | 'next' | 'importRunning'>> {
  const [facts] = await queryRows<{ due_now: number; import_running: boolean }>(ds,
    `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM leads WHERE campaign_id = $1 AND status = 'pending' AND next_attempt_at <= $2 LIMIT $3) d) AS due_now,
            EXISTS (SELECT 1 FROM import_jobs WHERE campaign_id = $1 AND status IN ('pending', 'running')) AS import_running`,
    [campaign.id, now, COUNT_CAP]);
  const dueNow = facts?.due_now ?? 0;
  const importRunning = facts?.import_running ?? false;
  if (dueNow > 0) return { dueNow, importRunning, next: null };
  const [first] = await queryRows<{ next_attempt_at: Date; timezones: string[] | null; phone_e164: string }>(ds,
    `SELECT next_attempt_at, timezones, phone_e164 FROM leads
      WHERE campaign_id = $1 AND status = 'pending' ORDER BY next_attempt_at LIMIT 1`, [campaign.id]);
  if (!first) return { dueNow, importRunning, next: null };
  const [soon] = await queryRows<{ n: number }>(ds,
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM leads WHERE campaign_id = $1 AND status = 'pending'
        AND next_attempt_at < $2::timestamptz + interval '1 minute' LIMIT $3) s`, [campaign.id, first.next_attempt_at, COUNT_CAP]);
  const zones = leadZones(first.timezones, campaign.defaultTimezone);
  const windowClosedNow = !isCallableAt(rulesForCallee(campaign.callingWindow ?? {}, first.phone_e164), zones, now);
  return { dueNow, importRunning, next: { at: first.next_attempt_at, leads: soon?.n ?? 1, windowClosedNow, zone: zones[0] ?? campaign.defaultTimezone } };
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
