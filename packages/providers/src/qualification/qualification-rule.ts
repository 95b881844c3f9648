import type { Outcome } from '@dialer/domain';
import type { CallAnalysis } from '../adapter';

/**
 * A campaign's rule for the lead's `qualified` flag, read from the provider's post-call analysis
 * (campaign `settings.qualification`):
 * - `{"source":"successEvaluation"}`: Vapi's `analysis.successEvaluation` passes (true, "pass",
 *   a score ≥ `minScore` (default 7 of 10, or 70 on a percentage scale), "Excellent"/"Good", "Agree"…);
 * - `{"source":"structuredData","field":"interested","equals":true}` (or `"in":[…]`, or neither: truthy);
 * - `{"source":"outcome","in":["answered"]}`: the call's outcome alone.
 */
export type QualificationRule =
  | { source: 'successEvaluation'; minScore?: number }
  | { source: 'structuredData'; field: string; equals?: unknown; in?: unknown[] }
  | { source: 'outcome'; in: Outcome[] };

/** Validates a rule from campaign settings; returns the rule or why it is unusable. */
export function parseQualificationRule(v: unknown): { rule: QualificationRule } | { problem: string } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { problem: 'qualification must be an object with a "source"' };
  const r = v as Record<string, unknown>;
  switch (r.source) {
    case 'successEvaluation':
      if (r.minScore !== undefined && (typeof r.minScore !== 'number' || !Number.isFinite(r.minScore))) return { problem: 'minScore must be a number' };
      return { rule: { source: 'successEvaluation', minScore: r.minScore as number | undefined } };
    case 'structuredData':
      if (typeof r.field !== 'string' || r.field === '') return { problem: 'structuredData rule needs a "field"' };
      if (r.in !== undefined && !Array.isArray(r.in)) return { problem: '"in" must be an array' };
      return { rule: { source: 'structuredData', field: r.field, equals: r.equals, in: r.in as unknown[] | undefined } };
    case 'outcome':
      if (!Array.isArray(r.in) || r.in.some((o) => typeof o !== 'string')) return { problem: 'outcome rule needs "in": [outcomes]' };
      return { rule: { source: 'outcome', in: r.in as Outcome[] } };
    default:
      return { problem: 'source must be successEvaluation, structuredData or outcome' };
  }
}

const PASS_WORDS = new Set(['true', 'pass', 'passed', 'yes', 'success', 'successful', 'excellent', 'good', 'agree', 'strongly agree']);
const FAIL_WORDS = new Set(['false', 'fail', 'failed', 'no', 'failure', 'unsuccessful', 'fair', 'poor', 'neutral', 'disagree', 'strongly disagree']);

/** Does a Vapi `successEvaluation` (any rubric) pass? null when it cannot be read. */
export function successEvaluationPasses(v: unknown, minScore?: number): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v >= (minScore ?? (v > 10 ? 70 : 7));
  if (typeof v !== 'string') return null;
  const text = v.trim().toLowerCase().replace(/%$/, '');
  if (PASS_WORDS.has(text)) return true;
  if (FAIL_WORDS.has(text)) return false;
  const n = Number(text);
  if (text !== '' && Number.isFinite(n)) return successEvaluationPasses(n, minScore);
  return null;
}

function getPath(obj: Record<string, unknown> | null | undefined, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.trim().toLowerCase() === b.trim().toLowerCase();
  return a === b || String(a) === String(b);
}

/**
 * Applies a rule: true (qualified), false (not qualified), or null when the call carries nothing the
 * rule can read (the flag is then left as it is).
 */
export function evaluateQualification(rule: QualificationRule, call: { analysis?: CallAnalysis | null; outcome?: Outcome | null }): boolean | null {
  switch (rule.source) {
    case 'outcome':
      return call.outcome ? rule.in.includes(call.outcome) : null;
    case 'successEvaluation': {
      const v = call.analysis?.successEvaluation;
      return v === undefined || v === null ? null : successEvaluationPasses(v, rule.minScore);
    }
    case 'structuredData': {
      if (!call.analysis?.structuredData) return null;
      const v = getPath(call.analysis.structuredData, rule.field);
      if (v === undefined) return null;
      if (rule.in) return rule.in.some((x) => same(v, x));
      if (rule.equals !== undefined) return same(v, rule.equals);
      return typeof v === 'string' ? successEvaluationPasses(v) ?? v !== '' : Boolean(v);
    }
  }
}
