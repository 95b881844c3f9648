/** Lead lifecycle: pending (due at next_attempt_at) → queued (in the hopper) → dialing → pending | done. */
export const LEAD_STATUSES = ['pending', 'queued', 'dialing', 'done'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** Our call status model; providers' statuses are mapped onto it. */
export const CALL_STATUSES = [
  'created', 'queued', 'initiated', 'ringing', 'in_progress',
  'completed', 'busy', 'no_answer', 'failed', 'canceled',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export const TERMINAL_CALL_STATUSES: readonly CallStatus[] = ['completed', 'busy', 'no_answer', 'failed', 'canceled'];

export function isTerminalCallStatus(s: CallStatus): boolean {
  return TERMINAL_CALL_STATUSES.includes(s);
}

const RANK: Record<CallStatus, number> = {
  created: 0, queued: 1, initiated: 2, ringing: 3, in_progress: 4,
  completed: 10, busy: 10, no_answer: 10, failed: 10, canceled: 10,
};

/**
 * Statuses only move forward: a late "ringing" never overwrites "completed", and once a call is
 * terminal nothing changes it.
 */
export function isForwardTransition(from: CallStatus, to: CallStatus): boolean {
  if (isTerminalCallStatus(from)) return false;
  return RANK[to] > RANK[from];
}

/** Normalized call outcomes, the lead dispositions a finished call can produce. */
export const OUTCOMES = [
  'answered', 'voicemail', 'busy', 'no_answer', 'failed', 'canceled', 'invalid_number', 'provider_error',
  /** The callee asked not to be called again: the number goes onto the tenant's DNC list. */
  'opted_out',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Final lead dispositions that are not call outcomes. */
export type LeadDisposition = Outcome | 'exhausted' | 'dnc' | 'stopped' | 'no_window';
