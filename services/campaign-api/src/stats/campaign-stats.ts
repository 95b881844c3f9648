import { countCallbacksDue, findCampaignStats, readLeadCounts, sumRecentCallsEnded, type CampaignEntity, type DataSource } from '@dialer/db';
import { dialingState, type DialingInput } from '@dialer/domain';
import { clock, DEFAULT_CAMPAIGN_REPORT_GRACE_MS } from '@dialer/platform';
import type { ConcurrencyLease } from '@dialer/queue';
import { getCampaign } from '../campaigns/campaigns.repository';
import { countReportsAwaited, readBudgetLimits, readDialingFacts } from './dialing.repository';
import { estimateCompletion } from './estimate-completion';
import type { CampaignStats } from './stats.dto';

/** Minutes of history the current call rate is taken over (for the completion estimate). */
const RATE_WINDOW_MINUTES = 15;

function ratio(n: number, d: number): number {
  return d > 0 ? Math.round((n / d) * 10_000) / 10_000 : 0;
}

/** Calls ended over the last RATE_WINDOW_MINUTES minute buckets, and the span they cover in minutes. */
async function recentCallRate(ds: DataSource, tenantId: string, campaign: CampaignEntity, now: Date): Promise<number> {
  const calls = await sumRecentCallsEnded(ds, tenantId, campaign.id, now, RATE_WINDOW_MINUTES);
  const startedMinutesAgo = campaign.startedAt ? (now.getTime() - campaign.startedAt.getTime()) / 60_000 : RATE_WINDOW_MINUTES;
  const span = Math.min(RATE_WINDOW_MINUTES, Math.max(1, startedMinutesAgo));
  return calls / span;
}

/** The tenant's and the provider account's limits with their live calls (from the leases). */
async function readBudgets(ds: DataSource, lease: ConcurrencyLease, campaign: CampaignEntity): Promise<DialingInput['budgets']> {
  const b = await readBudgetLimits(ds, campaign);
  const [tenantLive, accountLive] = await Promise.all([
    b.tenantLimit !== null ? lease.heldAt('tenant', campaign.tenantId) : Promise.resolve(0),
    b.accountLimit !== null && b.accountGroup ? lease.heldAt('connection', b.accountGroup) : Promise.resolve(0),
  ]);
  return {
    ...(b.tenantLimit !== null ? { tenant: { limit: b.tenantLimit, live: tenantLive } } : {}),
    ...(b.accountLimit !== null && b.accountGroup ? { connection: { limit: b.accountLimit, live: accountLive } } : {}),
  };
}

/**
 * A campaign's stats from maintained counters only (no COUNT over leads or calls): lead states from
 * the trigger-kept counts, call outcomes and talk time from campaign_stats, the recent rate from the
 * minute buckets, live calls from the concurrency leases. Rates are defined in the README.
 */
export async function loadCampaignStats(
  ds: DataSource, lease: ConcurrencyLease, tenantId: string, campaignId: string,
  opts: { now?: Date; reportGraceMs?: number } = {},
): Promise<CampaignStats> {
  const now = opts.now ?? clock.now();
  const campaign = await getCampaign(ds, tenantId, campaignId);
  const running = campaign.status === 'running';
  const [s, leads, liveCalls, callsPerMinute, facts, callbacksDueSoon, budgets] = await Promise.all([
    findCampaignStats(ds, tenantId, campaign.id),
    readLeadCounts(ds, tenantId, campaign.id),
    lease.held(campaign.id),
    running ? recentCallRate(ds, tenantId, campaign, now) : Promise.resolve(0),
    running ? readDialingFacts(ds, campaign, now) : Promise.resolve({ dueNow: 0, next: null, importRunning: false }),
    countCallbacksDue(ds, tenantId, campaign.id, new Date(now.getTime() + 86_400_000)),
    running ? readBudgets(ds, lease, campaign) : Promise.resolve(undefined),
  ]);
  // Every lead ended but still running: the post-call reports it waits for, if any.
  const reportsAwaited = running && leads.total > 0 && leads.pending + leads.queued + leads.dialing === 0 && !facts.importRunning
    ? await countReportsAwaited(ds, campaign.id, now, opts.reportGraceMs ?? DEFAULT_CAMPAIGN_REPORT_GRACE_MS)
    : 0;
  const dialing = dialingState({
    status: campaign.status, now, maxConcurrentCalls: campaign.maxConcurrentCalls, scheduledStartAt: campaign.scheduledStartAt,
    leads, liveCalls, ...facts, callbacksDueSoon, budgets, reportsAwaited,
  });
  const called = s?.callsEnded ?? 0;
  const connected = s?.connected ?? 0;
  const voicemail = s?.voicemail ?? 0;
  const talkSeconds = s?.talkSeconds ?? 0;
  const completedCalls = connected + voicemail;
  const open = leads.pending + leads.queued + leads.dialing;
  const estimatedCompletionAt = campaign.status === 'completed'
    ? campaign.completedAt
    : campaign.status === 'running'
      ? estimateCompletion({
        now, openLeads: open, callsPerMinute,
        callsPerLead: leads.done > 0 ? Math.min(campaign.maxAttempts, called / leads.done) : 1,
        window: campaign.callingWindow, zone: campaign.defaultTimezone,
      })
      : null;
  return {
    campaignId: campaign.id,
    status: campaign.status,
    totalLeads: leads.total,
    leads: { pending: leads.pending, queued: leads.queued, dialing: leads.dialing, done: leads.done },
    dispositions: leads.dispositions,
    attempts: leads.attempts,
    callsEnded: called,
    connected,
    voicemail,
    busy: s?.busy ?? 0,
    noAnswer: s?.noAnswer ?? 0,
    failed: s?.failed ?? 0,
    canceled: s?.canceled ?? 0,
    dncSuppressed: s?.dncSuppressed ?? 0,
    invalid: leads.dispositions.invalid_number ?? 0,
    exhausted: leads.dispositions.exhausted ?? 0,
    qualified: leads.qualified,
    /** Calls in progress (leads dialing: from the attempt row until the terminal webhook). */
    live: leads.dialing,
    /** Leads that ended for good. */
    completed: leads.done,
    talkSeconds,
    averageTalkSeconds: completedCalls ? Math.round((talkSeconds / completedCalls) * 10) / 10 : 0,
    averageDurationSeconds: called ? Math.round((talkSeconds / called) * 10) / 10 : 0,
    rates: {
      connect: ratio(connected, called),
      success: ratio(completedCalls, called),
      qualification: ratio(leads.qualified, completedCalls),
    },
    callsPerMinute: Math.round(callsPerMinute * 10) / 10,
    liveCalls,
    startedAt: campaign.startedAt,
    completedAt: campaign.completedAt,
    estimatedCompletionAt,
    /** Why the campaign is or is not calling right now, in data and in words. */
    dialing,
  };
}
