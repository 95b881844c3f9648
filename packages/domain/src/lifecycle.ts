import type { CallingWindow, CompiledRules } from './calling-window';
import { isCallableAt, leadZones, nextCallableAt, rulesForCallee } from './calling-window';
import type { CallStatus, LeadDisposition, LeadStatus, Outcome } from './call-status';
import { isForwardTransition, isTerminalCallStatus } from './call-status';
import type { CampaignStatus } from './campaign-status';
import { decideAfterCall, type RetryPolicy } from './retry-policy';

/**
 * The lead/attempt lifecycle as pure functions. Whoever ends a call attempt (webhook-ingest, the
 * dialer-worker when a provider refuses the call, the reconciler) reads rows, asks these functions
 * what follows, and writes what they decided.
 *
 * Attempt: created → queued → initiated → ringing → in_progress → completed | busy | no_answer | failed | canceled.
 * Lead: pending → queued → dialing → pending (retry) | done (final disposition).
 *
 * The decisions are here; the moves without a decision are single guarded UPDATEs whose guard is
 * the concurrency control (compare-and-set on status and attempts), so they stay SQL in the
 * repository of the service that makes them:
 * - pending → queued (due, in the hopper): the feeder;
 * - queued → dialing (attempts + 1, the attempt row written): dialer-worker, guarded by `awaitsAttempt`'s rule;
 * - queued → pending | done ('dnc', 'no_window'): dialer-worker, as `windowAtDial` / `dueFrom` decide;
 * - dialing → pending | done: `settleLead`, written by endAttempt (packages/calls);
 * - dialing → queued | pending (provider did not take the call, attempt undone): dialer-worker;
 * - any open lead → done 'stopped': stopping the campaign.
 */

/**
 * A dial job is for attempt `attemptNo` of its lead: it may go ahead only while the lead is queued
 * and has made exactly the attempts before it (otherwise the job is redelivered, duplicated or overtaken).
 */
export function awaitsAttempt(lead: { status: LeadStatus; attempts: number }, attemptNo: number): boolean {
  return lead.status === 'queued' && lead.attempts === attemptNo - 1;
}

/** How far ahead a retry or a "not now" looks for the next calling-window opening. */
export const WINDOW_SEARCH_DAYS = 366;

export interface AttemptUpdate {
  status: CallStatus;
  /** The provider's call id named by the update, if any. */
  providerCallId?: string | null;
  /** Required for terminal statuses; missing means 'failed'. */
  outcome?: Outcome | null;
}

export type AttemptTransition =
  /** not_forward: stale or duplicate (a late "ringing" after "completed"); other_call: names another provider call. */
  | { kind: 'ignore'; reason: 'not_forward' | 'other_call' }
  /** The call moved forward but is still live. */
  | { kind: 'progress'; status: CallStatus }
  /** The call ended with this outcome: the lead is settled next (settleLead). */
  | { kind: 'end'; status: CallStatus; outcome: Outcome };

/**
 * What a call attempt becomes after an update: statuses only move forward (a duplicate is a
 * no-op, nothing changes a terminal attempt), and an update naming another provider call than the
 * attempt's own is refused.
 */
export function attemptTransition(
  current: { status: CallStatus; providerCallId: string | null },
  u: AttemptUpdate,
): AttemptTransition {
  if (u.providerCallId && current.providerCallId && u.providerCallId !== current.providerCallId) return { kind: 'ignore', reason: 'other_call' };
  if (!isForwardTransition(current.status, u.status)) return { kind: 'ignore', reason: 'not_forward' };
  if (!isTerminalCallStatus(u.status)) return { kind: 'progress', status: u.status };
  return { kind: 'end', status: u.status, outcome: u.outcome ?? 'failed' };
}

export interface SettleLeadInput {
  /** The outcome of the attempt that ended, and its number. */
  outcome: Outcome;
  attemptNo: number;
  endedAt: Date;
  lead: { status: LeadStatus; attempts: number };
  campaign: {
    status: CampaignStatus;
    maxAttempts: number;
    retryPolicy: RetryPolicy | null;
    callingWindow: CallingWindow | null;
    defaultTimezone: string;
  };
  callee: { phoneE164: string; timezones: readonly string[] | null };
}

export type LeadNext =
  /** The attempt is not the lead's current one (the lead moved on): the lead is left as it is. */
  | { kind: 'unchanged' }
  /** Done: a call outcome, 'exhausted' (no attempts or no window left) or 'stopped' (campaign stopped during the call). */
  | { kind: 'final'; disposition: LeadDisposition }
  /** Back to pending, due at `at` (the later of the retry delay and the next window opening). */
  | { kind: 'retry'; disposition: Outcome; at: Date };

export interface LeadSettlement {
  lead: LeadNext;
  /** The callee opted out: the number goes onto the tenant's DNC list, whatever became of the lead. */
  addToDnc: boolean;
}

/**
 * What follows a call attempt's terminal outcome for its lead: final with its disposition, or a
 * retry at the later of the policy's delay and the next calling-window opening (campaign schedule ∩
 * the callee's rule pack, in the callee's zones). Never retried after a completed conversation, an
 * opt-out or an invalid number; 'exhausted' when the attempts are used up or no window opens within
 * a year; 'stopped' when the campaign was stopped or cancelled while the call was live. Only the
 * lead's current attempt (the lead is dialing it) settles the lead.
 */
export function settleLead(i: SettleLeadInput): LeadSettlement {
  const addToDnc = i.outcome === 'opted_out';
  if (i.lead.status !== 'dialing' || i.lead.attempts !== i.attemptNo) return { lead: { kind: 'unchanged' }, addToDnc };

  const decision = decideAfterCall({
    outcome: i.outcome, attemptsMade: i.lead.attempts, maxAttempts: i.campaign.maxAttempts,
    policy: i.campaign.retryPolicy ?? {}, endedAt: i.endedAt,
  });
  if (decision.kind === 'final') return { lead: { kind: 'final', disposition: decision.disposition }, addToDnc };
  if (i.campaign.status === 'stopped' || i.campaign.status === 'cancelled') return { lead: { kind: 'final', disposition: 'stopped' }, addToDnc };

  const rules = rulesForCallee(i.campaign.callingWindow ?? {}, i.callee.phoneE164);
  const at = nextCallableAt(rules, leadZones(i.callee.timezones, i.campaign.defaultTimezone), decision.notBefore, WINDOW_SEARCH_DAYS);
  if (!at) return { lead: { kind: 'final', disposition: 'exhausted' }, addToDnc };
  return { lead: { kind: 'retry', disposition: i.outcome, at }, addToDnc };
}

export type NotNow =
  /** The window opens within the wait the dialer may hold a job: run the dial again at `until`. */
  | { kind: 'wait'; until: Date }
  /** Back to pending (leaving the hopper), due at the next opening. */
  | { kind: 'pending'; at: Date }
  /** No window opens within a year: the lead is done without a call. */
  | { kind: 'final'; disposition: 'no_window' };

/**
 * The calling window at the moment of dialing (the callee's rules and zones): null when it is open
 * now; otherwise the dial waits for an opening within `maxWaitMs`, or the lead goes back to pending
 * due at the opening, or, with no opening within a year, is done as 'no_window'.
 */
export function windowAtDial(rules: CompiledRules, zones: readonly string[], now: Date, maxWaitMs: number): NotNow | null {
  if (isCallableAt(rules, zones, now)) return null;
  const next = nextCallableAt(rules, zones, now, WINDOW_SEARCH_DAYS);
  if (!next) return { kind: 'final', disposition: 'no_window' };
  return next.getTime() - now.getTime() <= maxWaitMs ? { kind: 'wait', until: next } : { kind: 'pending', at: next };
}

/**
 * A lead that may not be called before `from` (e.g. its number had its share of calls in the last
 * 24 hours): pending, due at the first opening from then, or done as 'no_window' if none within a year.
 */
export function dueFrom(rules: CompiledRules, zones: readonly string[], from: Date): Exclude<NotNow, { kind: 'wait' }> {
  const at = nextCallableAt(rules, zones, from, WINDOW_SEARCH_DAYS);
  return at ? { kind: 'pending', at } : { kind: 'final', disposition: 'no_window' };
}
