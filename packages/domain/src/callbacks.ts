import { DateTime } from 'luxon';
import type { CallingWindow } from './calling-window';
import { leadZones, nextCallableAt, rulesForCallee } from './calling-window';
import type { LeadStatus } from './call-status';
import type { CampaignStatus } from './campaign-status';
import { settleLead, WINDOW_SEARCH_DAYS, type LeadNext, type LeadSettlement, type SettleLeadInput } from './lifecycle';

/**
 * Scheduled callbacks: a requested time for a lead's next call (a person's disposition, the API,
 * or the AI's post-call analysis). The callback replaces the lead's retry time; it is an ordinary
 * attempt when it is dialled, so the legal floor, the campaign's window, DNC and the attempt cap
 * still rule it:
 * - the call is placed at the requested time, or at the next legal moment after it (the callee's
 *   rules and zones), and the callback says it was moved and why;
 * - a lead with no attempts left is refused: a requested callback is the person's wish, but the cap
 *   is the campaign's rule (raise maxAttempts to call again);
 * - a lead being dialled (queued, dialing) is refused: its call decides what follows;
 * - a done lead is reopened only if it can still be called (not DNC, not opted out, not an invalid number);
 * - a campaign that is over (completed, stopped, cancelled) takes no callback; a paused or not yet
 *   started one keeps it until it runs.
 */

/** Why a lead cannot take a callback (each answers 409 at the API, `details.reason` this code). */
export type CallbackRefusal =
  | 'lead_in_call'
  | 'no_attempts_left'
  | 'lead_not_callable'
  | 'dnc'
  | 'campaign_over'
  | 'no_window';

/** Dispositions of a done lead that a callback may not reopen: the number must not or cannot be called. */
export const NOT_REOPENABLE: readonly string[] = ['dnc', 'opted_out', 'invalid_number', 'removed'];

const CAMPAIGN_OVER: readonly CampaignStatus[] = ['completed', 'stopped', 'cancelled'];

export interface CallbackRequest {
  /** The time asked for. A time already past means "as soon as allowed". */
  requestedAt: Date;
  now: Date;
  lead: { status: LeadStatus; attempts: number; disposition: string | null };
  /** The number is on the tenant's or the campaign's DNC list. */
  onDnc: boolean;
  campaign: { status: CampaignStatus; maxAttempts: number; callingWindow: CallingWindow | null; defaultTimezone: string };
  callee: { phoneE164: string; timezones: readonly string[] | null };
}

export type CallbackDecision =
  | { kind: 'refused'; reason: CallbackRefusal; message: string }
  /**
   * The lead is pending, due at `at`. `moved` says why `at` is not the requested time:
   * 'outside_window' (the callee may not be called then) or 'in_the_past' (asked for a past time).
   */
  | { kind: 'scheduled'; at: Date; moved: null | 'outside_window' | 'in_the_past' };

/** Whether and when a lead takes a requested callback (see the rules above). */
export function scheduleCallback(r: CallbackRequest): CallbackDecision {
  const refuse = (reason: CallbackRefusal, message: string): CallbackDecision => ({ kind: 'refused', reason, message });
  if (CAMPAIGN_OVER.includes(r.campaign.status)) return refuse('campaign_over', `the campaign is ${r.campaign.status}: it places no more calls`);
  if (r.lead.status === 'queued' || r.lead.status === 'dialing') {
    return refuse('lead_in_call', `the lead is being dialled (${r.lead.status}): ask for the callback once its call has ended`);
  }
  if (r.onDnc) return refuse('dnc', 'the number is on a do-not-call list');
  if (r.lead.status === 'done' && r.lead.disposition !== null && NOT_REOPENABLE.includes(r.lead.disposition)) {
    return refuse('lead_not_callable', `the lead ended as ${r.lead.disposition}: it is not called again`);
  }
  if (r.lead.attempts >= r.campaign.maxAttempts) {
    return refuse('no_attempts_left', `the lead has made all ${r.campaign.maxAttempts} attempts the campaign allows: raise maxAttempts to call it again`);
  }

  const past = r.requestedAt.getTime() < r.now.getTime();
  const from = past ? r.now : r.requestedAt;
  const rules = rulesForCallee(r.campaign.callingWindow ?? {}, r.callee.phoneE164);
  const at = nextCallableAt(rules, leadZones(r.callee.timezones, r.campaign.defaultTimezone), from, WINDOW_SEARCH_DAYS);
  if (!at) return refuse('no_window', 'no calling window opens for this callee within a year of the requested time');
  const moved = at.getTime() !== from.getTime() ? 'outside_window' : past ? 'in_the_past' : null;
  return { kind: 'scheduled', at, moved };
}

export interface CallbackSettlement extends LeadSettlement {
  /**
   * The callback the call's end asked for, when the lead takes it: the lead is pending at `at`
   * (the settlement's `lead`), and `instead` is what settleLead decided without it (restored if the
   * callback is cancelled).
   */
  callback: { requestedAt: Date; at: Date; moved: 'outside_window' | 'in_the_past' | null; instead: Exclude<LeadNext, { kind: 'unchanged' }> } | null;
  /** Why a callback asked for was not taken (the lead is settled as without it). */
  callbackRefused: CallbackRefusal | null;
}

/**
 * settleLead for a call whose end asks for a callback (the AI's post-call analysis): the callback
 * overrides the retry delay or the final disposition, under scheduleCallback's rules at the end of
 * the call (the attempt just made counts; an opt-out or an invalid number refuses it). Without a
 * callback, or for an attempt that is not the lead's current one, it is settleLead.
 */
export function settleLeadWithCallback(i: SettleLeadInput, callbackAt: Date | null): CallbackSettlement {
  const plain = settleLead(i);
  if (!callbackAt || plain.lead.kind === 'unchanged') return { ...plain, callback: null, callbackRefused: null };
  const d = scheduleCallback({
    requestedAt: callbackAt, now: i.endedAt,
    lead: { status: 'done', attempts: i.lead.attempts, disposition: i.outcome },
    onDnc: plain.addToDnc,
    campaign: { status: i.campaign.status, maxAttempts: i.campaign.maxAttempts, callingWindow: i.campaign.callingWindow, defaultTimezone: i.campaign.defaultTimezone },
    callee: i.callee,
  });
  if (d.kind === 'refused') return { ...plain, callback: null, callbackRefused: d.reason };
  return {
    lead: { kind: 'retry', disposition: i.outcome, at: d.at }, addToDnc: plain.addToDnc,
    callback: { requestedAt: callbackAt, at: d.at, moved: d.moved, instead: plain.lead }, callbackRefused: null,
  };
}

/** The callee's local wall-clock time of `at` in `zone`, with its offset (`2026-03-02T17:30:00-08:00`). */
export function localTimeIn(at: Date, zone: string): string | null {
  return DateTime.fromJSDate(at).setZone(zone).toISO({ suppressMilliseconds: true });
}
