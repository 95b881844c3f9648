import { DateTime } from 'luxon';
import type { CampaignStatus } from './campaign-status';

/**
 * Why a campaign is or is not calling right now, in data and in words (issue 13: "why is nothing
 * being called?"). A pure function of what the caller read: the campaign, its lead counters, its
 * live calls and, for a running campaign with nothing due, the first lead that becomes due.
 */
export const DIALING_STATES = [
  'not_started', 'scheduled', 'paused', 'finished',
  'no_leads', 'import_running', 'calling', 'at_limit',
  'waiting_for_window', 'waiting_for_retry', 'waiting_for_reports', 'no_leads_due',
] as const;
export type DialingStateName = (typeof DIALING_STATES)[number];

export interface DialingInput {
  status: CampaignStatus;
  now: Date;
  maxConcurrentCalls: number;
  scheduledStartAt: Date | null;
  leads: { total: number; pending: number; queued: number; dialing: number };
  liveCalls: number;
  importRunning: boolean;
  /** Pending leads due now (next attempt time reached). */
  dueNow: number;
  /** When nothing is due now: the first moment a pending lead becomes due, how many are due within a minute of it, whether that lead's window is closed now, and its zone. */
  next: { at: Date; leads: number; windowClosedNow: boolean; zone: string } | null;
  /**
   * Ended calls whose post-call report (Vapi's end-of-call-report, which may ask for a callback) is
   * still awaited, within CAMPAIGN_REPORT_GRACE_MS of their end; 0 when not read. The campaign does
   * not complete before they are in, or the grace has passed.
   */
  reportsAwaited?: number;
  /** Scheduled callbacks due within the next 24 hours (pending, of leads still open); 0 when not read. */
  callbacksDueSoon?: number;
  /** The budgets above the campaign's own, with their live calls (absent: no limit at that level). */
  budgets?: { tenant?: BudgetUse; connection?: BudgetUse };
}

/** A shared concurrency budget: its limit and the live calls that hold it. */
export interface BudgetUse {
  limit: number;
  live: number;
}

export const LIMIT_LEVELS = ['campaign', 'tenant', 'connection'] as const;
export type LimitLevel = (typeof LIMIT_LEVELS)[number];

export interface DialingState {
  state: DialingStateName;
  /** The next moment something becomes callable (waiting states, scheduled), else null. */
  nextCallableAt: Date | null;
  /** How many leads become callable then. */
  nextCallableLeads: number;
  /** Scheduled callbacks due within the next 24 hours. */
  callbacksDueSoon: number;
  /** When at_limit: whose limit it is (the campaign's own, its tenant's or its provider account's); else null. */
  limitedBy: LimitLevel | null;
  /** One sentence for people. */
  message: string;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "09:00 America/Los_Angeles (17:00 UTC)", with the date when it is not today in that zone. */
export function describeMoment(at: Date, zone: string, now: Date): string {
  const local = DateTime.fromJSDate(at, { zone });
  const utc = DateTime.fromJSDate(at, { zone: 'UTC' });
  const sameDay = local.hasSame(DateTime.fromJSDate(now, { zone }), 'day');
  return `${sameDay ? '' : `${local.toFormat('ccc d LLL')} `}${local.toFormat('HH:mm')} ${zone} (${utc.toFormat(sameDay ? 'HH:mm' : 'd LLL HH:mm')} UTC)`;
}

/** The dialing state, with the scheduled callbacks due within 24 hours said in data and in the sentence. */
export function dialingState(i: DialingInput): DialingState {
  const s = stateOf(i);
  const n = i.callbacksDueSoon ?? 0;
  const told = n > 0 && s.state !== 'finished' && s.state !== 'not_started';
  return { ...s, limitedBy: s.limitedBy ?? null, callbacksDueSoon: n, message: told ? `${s.message} ${plural(n, 'callback')} due within 24 hours.` : s.message };
}

function stateOf(i: DialingInput): Omit<DialingState, 'callbacksDueSoon' | 'limitedBy'> & { limitedBy?: LimitLevel } {
  const none = { nextCallableAt: null, nextCallableLeads: 0 };
  const open = i.leads.pending + i.leads.queued + i.leads.dialing;
  switch (i.status) {
    case 'draft':
      return { state: 'not_started', ...none, message: `Draft: start the campaign to begin calling (${plural(i.leads.total, 'lead')}).` };
    case 'scheduled':
      return {
        state: 'scheduled', nextCallableAt: i.scheduledStartAt, nextCallableLeads: open,
        message: i.scheduledStartAt ? `Scheduled: starts at ${describeMoment(i.scheduledStartAt, 'UTC', i.now)}.` : 'Scheduled.',
      };
    case 'paused':
      return { state: 'paused', ...none, message: `Paused: resume to go on calling (${plural(open, 'lead')} left).` };
    case 'completed':
    case 'stopped':
    case 'cancelled':
      return { state: 'finished', ...none, message: `The campaign is ${i.status}: nobody more will be called.` };
    default:
      break;
  }
  if (i.leads.total === 0) {
    return i.importRunning
      ? { state: 'import_running', ...none, message: 'An import is running: its leads will be called as they arrive.' }
      : { state: 'no_leads', ...none, message: 'No leads yet: add leads (CSV import or API) and they will be called.' };
  }
  if (i.liveCalls >= i.maxConcurrentCalls && i.maxConcurrentCalls > 0) {
    return { state: 'at_limit', limitedBy: 'campaign', ...none, message: `At the limit: all ${plural(i.maxConcurrentCalls, 'call slot')} are busy; the next call starts as soon as one ends.` };
  }
  const tenant = i.budgets?.tenant;
  const connection = i.budgets?.connection;
  const waiting = i.leads.queued > 0 || i.dueNow > 0;
  if (waiting && tenant && tenant.live >= tenant.limit) {
    return {
      state: 'at_limit', limitedBy: 'tenant', ...none,
      message: `At the tenant's limit of ${tenant.limit}: every slot is busy across its campaigns (${plural(i.liveCalls, 'call')} live here); the next call starts as soon as one ends.`,
    };
  }
  if (waiting && connection && connection.live >= connection.limit) {
    return {
      state: 'at_limit', limitedBy: 'connection', ...none,
      message: `At the provider account's limit of ${connection.limit}: every slot is busy (${plural(i.liveCalls, 'call')} live here); the next call starts as soon as one ends.`,
    };
  }
  if (i.leads.dialing > 0 || i.leads.queued > 0 || i.dueNow > 0) {
    return { state: 'calling', ...none, message: `Calling: ${plural(i.liveCalls, 'call')} live, ${plural(i.leads.queued + i.dueNow, 'lead')} about to be dialled.` };
  }
  if (i.next) {
    const when = describeMoment(i.next.at, i.next.zone, i.now);
    const leads = plural(i.next.leads, 'lead');
    return i.next.windowClosedNow
      ? { state: 'waiting_for_window', nextCallableAt: i.next.at, nextCallableLeads: i.next.leads, message: `Waiting for calling hours: next leads callable at ${when}, ${leads}.` }
      : { state: 'waiting_for_retry', nextCallableAt: i.next.at, nextCallableLeads: i.next.leads, message: `Waiting for retry delays: next calls due at ${when}, ${leads}.` };
  }
  if (i.importRunning) return { state: 'import_running', ...none, message: 'An import is running: its leads will be called as they arrive.' };
  if ((i.reportsAwaited ?? 0) > 0) {
    return {
      state: 'waiting_for_reports', ...none,
      message: `Every lead has ended: waiting for the post-call reports of ${plural(i.reportsAwaited ?? 0, 'call')} (a report may ask for a callback) before the campaign completes.`,
    };
  }
  return { state: 'no_leads_due', ...none, message: 'Every lead has ended: the campaign completes at its next check.' };
}
