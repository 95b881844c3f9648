import type { Outcome } from './call-status';

export interface RetryRule {
  /** Retry after this outcome at all. */
  enabled: boolean;
  /** Delay before the next attempt, in seconds. */
  delaySeconds: number;
  /** Each further attempt waits delay × backoff^(attempt-1). */
  backoff?: number;
}

export type RetryPolicy = Partial<Record<Outcome, RetryRule>>;

export const DEFAULT_RETRY_POLICY: Readonly<Record<Outcome, RetryRule>> = Object.freeze({
  answered: { enabled: false, delaySeconds: 0 },
  voicemail: { enabled: true, delaySeconds: 4 * 3600 },
  busy: { enabled: true, delaySeconds: 15 * 60 },
  no_answer: { enabled: true, delaySeconds: 60 * 60 },
  failed: { enabled: true, delaySeconds: 30 * 60 },
  canceled: { enabled: false, delaySeconds: 0 },
  invalid_number: { enabled: false, delaySeconds: 0 },
  provider_error: { enabled: true, delaySeconds: 5 * 60 },
  opted_out: { enabled: false, delaySeconds: 0 },
});

/**
 * The policy that applies: the campaign's rule for each outcome over the default one (the rule of
 * an outcome the campaign names replaces the default's fields it gives). What campaigns show.
 */
export function effectiveRetryPolicy(policy: RetryPolicy | null | undefined): Record<Outcome, RetryRule> {
  const out = {} as Record<Outcome, RetryRule>;
  for (const o of Object.keys(DEFAULT_RETRY_POLICY) as Outcome[]) out[o] = { ...DEFAULT_RETRY_POLICY[o], ...(policy?.[o] ?? {}) };
  return out;
}

/**
 * Outcomes after which a lead is never called again, whatever the policy says: a completed human
 * conversation, an opt-out, a number that does not exist.
 */
export const NEVER_RETRY: readonly Outcome[] = ['answered', 'opted_out', 'invalid_number'];

export type AfterCallDecision =
  | { kind: 'final'; disposition: Outcome | 'exhausted' }
  | { kind: 'retry'; notBefore: Date };

/**
 * What happens to a lead after a call attempt ends: final with a disposition, or retried no earlier
 * than `notBefore` (the caller then moves that to the next calling-window opening).
 */
export function decideAfterCall(args: {
  outcome: Outcome;
  attemptsMade: number;
  maxAttempts: number;
  policy: RetryPolicy;
  endedAt: Date;
}): AfterCallDecision {
  const { outcome, attemptsMade, maxAttempts, policy, endedAt } = args;
  const rule = effectiveRetryPolicy(policy)[outcome];
  if (NEVER_RETRY.includes(outcome) || !rule.enabled) return { kind: 'final', disposition: outcome };
  if (attemptsMade >= maxAttempts) return { kind: 'final', disposition: 'exhausted' };
  const factor = Math.pow(rule.backoff ?? 1, Math.max(0, attemptsMade - 1));
  return { kind: 'retry', notBefore: new Date(endedAt.getTime() + rule.delaySeconds * 1000 * factor) };
}

/** The per-number cap that applies: the stricter of the campaign's and the rule pack's (null: none). */
export function effectiveNumberCap(campaignCap: number | null | undefined, packCap: number | null | undefined): number | null {
  const caps = [campaignCap, packCap].filter((c): c is number => typeof c === 'number' && c > 0);
  return caps.length ? Math.min(...caps) : null;
}

/**
 * Rolling-24-hour cap on calls to one number: given the start times of the calls made to it in the
 * last 24 hours, null when another call is allowed at `now`, else the instant it becomes allowed
 * (when enough of those calls have left the 24-hour window).
 */
export function numberCapReleaseAt(recentCalls: readonly Date[], cap: number | null, now: Date): Date | null {
  if (cap === null) return null;
  const since = now.getTime() - 24 * 3600_000;
  const inWindow = recentCalls.map((d) => d.getTime()).filter((t) => t > since).sort((a, b) => a - b);
  if (inWindow.length < cap) return null;
  // The (n - cap + 1)-th oldest call must leave the window before one more fits.
  return new Date(inWindow[inWindow.length - cap]! + 24 * 3600_000);
}
