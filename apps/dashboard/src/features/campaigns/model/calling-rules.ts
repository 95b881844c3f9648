import type { Campaign } from '../../../lib/api-types';

/**
 * The calling rules a person edits (weekly hours, holidays, retries) and their API shapes, shared by
 * the wizard (create) and the campaign's Settings tab (PATCH).
 */
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** Outcomes whose retry may be set, with the server's defaults (packages/domain retry-policy.ts, docs/call-outcomes.md). */
export const RETRY_OUTCOMES = [
  { outcome: 'busy', label: 'Busy', enabled: true, delayMinutes: 15 },
  { outcome: 'no_answer', label: 'No answer', enabled: true, delayMinutes: 60 },
  { outcome: 'voicemail', label: 'Voicemail', enabled: true, delayMinutes: 240 },
  { outcome: 'failed', label: 'Failed', enabled: true, delayMinutes: 30 },
  { outcome: 'provider_error', label: 'Provider error', enabled: true, delayMinutes: 5 },
  { outcome: 'canceled', label: 'Canceled', enabled: false, delayMinutes: 0 },
] as const;

export interface DayHours { enabled: boolean; start: string; end: string }
export type Retries = Record<string, { enabled: boolean; delayMinutes: number }>;
export type TimeRanges = Record<string, Array<{ start: string; end: string }>>;

export const defaultHours = (): DayHours[] => WEEKDAYS.map((_d, i) => ({ enabled: i < 5, start: '09:00', end: '20:00' }));
export const defaultRetries = (): Retries =>
  Object.fromEntries(RETRY_OUTCOMES.map((r) => [r.outcome, { enabled: r.enabled, delayMinutes: r.delayMinutes }]));

/** Weekday ("1" = Monday … "7" = Sunday) → one range, for the days that are open. */
export function rangesOf(hours: DayHours[]): TimeRanges {
  const ranges: TimeRanges = {};
  hours.forEach((h, i) => {
    // 00:00 as an end is midnight, which the API spells 24:00.
    if (h.enabled) ranges[String(i + 1)] = [{ start: h.start, end: h.end === '00:00' ? '24:00' : h.end }];
  });
  return ranges;
}

/** The problems of weekly hours (empty: fine). */
export function hoursProblems(hours: DayHours[]): string[] {
  const out: string[] = [];
  if (!hours.some((h) => h.enabled)) out.push('Open at least one weekday for calls.');
  hours.forEach((h, i) => {
    if (h.enabled && h.start >= h.end && h.end !== '00:00') out.push(`${WEEKDAYS[i]}: the end must be after the start.`);
  });
  return out;
}

/**
 * A campaign's window as one range per weekday, and whether that loses something (a day with several
 * ranges is shown from its first start to its last end; the form then leaves the window alone unless edited).
 */
export function hoursOfWindow(w: Campaign['callingWindow']): { hours: DayHours[]; simplified: boolean } {
  let simplified = false;
  const hours = WEEKDAYS.map((_d, i): DayHours => {
    const day = i + 1;
    if (w.ranges) {
      const rs = w.ranges[String(day)] ?? [];
      if (rs.length > 1) simplified = true;
      const first = rs[0];
      const last = rs[rs.length - 1];
      return first && last ? { enabled: true, start: first.start, end: last.end === '24:00' ? '00:00' : last.end } : { enabled: false, start: '09:00', end: '20:00' };
    }
    const open = (w.days ?? [1, 2, 3, 4, 5, 6, 7]).includes(day);
    return { enabled: open, start: w.start ?? '09:00', end: w.end ?? '20:00' };
  });
  return { hours, simplified };
}

/** The policy in effect (as a campaign read answers it) as minutes per outcome. */
export function retriesOfPolicy(p: Campaign['retryPolicy']): Retries {
  const out = defaultRetries();
  for (const r of RETRY_OUTCOMES) {
    const rule = p[r.outcome];
    if (rule) out[r.outcome] = { enabled: rule.enabled, delayMinutes: Math.round(rule.delaySeconds / 60) };
  }
  return out;
}

export function policyOf(retries: Retries): Record<string, { enabled: boolean; delaySeconds: number }> {
  return Object.fromEntries(Object.entries(retries).map(([o, r]) => [o, { enabled: r.enabled, delaySeconds: Math.max(0, Math.round(r.delayMinutes * 60)) }]));
}

/** Holidays typed one per line or separated by commas → sorted unique YYYY-MM-DD, and the entries that are not dates. */
export function parseHolidays(text: string): { dates: string[]; invalid: string[] } {
  const parts = text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  const invalid = parts.filter((p) => !/^\d{4}-\d{2}-\d{2}$/.test(p) || Number.isNaN(new Date(`${p}T00:00:00Z`).getTime()));
  const dates = [...new Set(parts.filter((p) => !invalid.includes(p)))].sort();
  return { dates, invalid };
}

/** A `datetime-local` value (the browser's zone) of an ISO instant, and back. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
export const fromLocalInput = (v: string): string | null => (v && !Number.isNaN(new Date(v).getTime()) ? new Date(v).toISOString() : null);
