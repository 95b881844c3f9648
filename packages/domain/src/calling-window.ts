import { DateTime } from 'luxon';

/**
 * A campaign's calling window in the callee's local time: one time range applied on the listed
 * weekdays (1 = Monday … 7 = Sunday). "HH:mm", end exclusive; end after start.
 */
export interface CallingWindow {
  start?: string;
  end?: string;
  days?: number[];
}

export const DEFAULT_CALLING_WINDOW: Required<CallingWindow> = Object.freeze({
  start: '09:00',
  end: '20:00',
  days: [1, 2, 3, 4, 5, 6, 7],
}) as Required<CallingWindow>;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseHhmm(s: string): number {
  const m = HHMM.exec(s);
  if (!m) throw new Error(`"${s}" is not a time of day in HH:mm`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function resolveWindow(w: CallingWindow | undefined | null): Required<CallingWindow> {
  return { ...DEFAULT_CALLING_WINDOW, ...(w ?? {}) } as Required<CallingWindow>;
}

/** Why a window is not usable, or null when it is. */
export function windowProblem(w: CallingWindow): string | null {
  const r = resolveWindow(w);
  if (!HHMM.test(r.start)) return `start "${r.start}" is not HH:mm`;
  if (!HHMM.test(r.end)) return `end "${r.end}" is not HH:mm`;
  if (parseHhmm(r.end) <= parseHhmm(r.start)) return 'end must be after start';
  if (!r.days.length || r.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) return 'days must list weekdays 1 (Monday) to 7 (Sunday)';
  return null;
}

export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

function openInZone(w: Required<CallingWindow>, zone: string, at: Date): boolean {
  const local = DateTime.fromJSDate(at, { zone });
  if (!local.isValid) return false;
  if (!w.days.includes(local.weekday)) return false;
  const minutes = local.hour * 60 + local.minute;
  return minutes >= parseHhmm(w.start) && minutes < parseHhmm(w.end);
}

/** May a callee with these candidate zones be called at `at`? Only if the window is open in all of them. */
export function isCallableAt(window: CallingWindow, zones: readonly string[], at: Date): boolean {
  const w = resolveWindow(window);
  if (zones.length === 0) return false;
  return zones.every((z) => openInZone(w, z, at));
}

/**
 * The first instant ≥ `after` at which the window is open in every zone, or null if none within
 * `horizonDays`. The answer is either `after` itself or some zone's local opening time.
 */
export function nextCallableAt(window: CallingWindow, zones: readonly string[], after: Date, horizonDays = 14): Date | null {
  const w = resolveWindow(window);
  if (zones.length === 0) return null;
  if (isCallableAt(w, zones, after)) return after;
  const [sh, sm] = w.start.split(':').map(Number) as [number, number];
  const candidates: number[] = [];
  for (const zone of zones) {
    const base = DateTime.fromJSDate(after, { zone }).startOf('day');
    for (let d = 0; d <= horizonDays; d++) {
      const open = base.plus({ days: d }).set({ hour: sh, minute: sm, second: 0, millisecond: 0 });
      if (open.isValid && open.toMillis() > after.getTime()) candidates.push(open.toMillis());
    }
  }
  candidates.sort((a, b) => a - b);
  for (const c of candidates) {
    if (isCallableAt(w, zones, new Date(c))) return new Date(c);
  }
  return null;
}

/** The zones a lead is judged in: its own candidates, else the campaign's default zone. */
export function leadZones(leadTimezones: readonly string[] | null | undefined, campaignDefaultZone: string): string[] {
  const own = (leadTimezones ?? []).filter((z) => z && isValidZone(z));
  return own.length ? [...own] : [campaignDefaultZone];
}
