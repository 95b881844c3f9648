import { IANAZone } from 'luxon';
import { AUTO_RULE_PACK, isRulePackChoice, resolveRulePack, type RulePack, type TimeRange, type Weekday } from './rule-packs';

/**
 * A campaign's calling schedule, in the callee's local time.
 *
 * - `ranges`: allowed time ranges per ISO weekday ("1" = Monday … "7" = Sunday), several per day;
 *   a weekday not listed allows no calls. When `ranges` is absent, the legacy form applies: one
 *   range `start`–`end` (default 09:00–20:00) on the listed `days` (default every day).
 * - `holidays`: local dates ("YYYY-MM-DD") with no calls.
 * - `excludeWeekends`: no calls on Saturday and Sunday.
 * - `rulePack`: the legal floor: "auto" (default, by the callee's number) or a pack id.
 *
 * Times are "HH:mm", end exclusive and after start; an end may be "24:00".
 */
export interface CallingWindow {
  start?: string;
  end?: string;
  days?: number[];
  ranges?: Partial<Record<string, TimeRange[]>>;
  holidays?: string[];
  excludeWeekends?: boolean;
  rulePack?: string;
}

export const DEFAULT_CALLING_WINDOW = Object.freeze({
  start: '09:00',
  end: '20:00',
  days: [1, 2, 3, 4, 5, 6, 7],
});

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const END = /^(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MINUTE = 60_000;
const DAY = 86_400_000;

export function parseHhmm(s: string): number {
  if (s === '24:00') return 1440;
  const m = HHMM.exec(s);
  if (!m) throw new Error(`"${s}" is not a time of day in HH:mm`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The window as stored: the legacy single range gets its defaults unless `ranges` replace it. */
export function resolveWindow(w: CallingWindow | undefined | null): CallingWindow {
  const given = w ?? {};
  if (given.ranges) return { ...given };
  return { ...DEFAULT_CALLING_WINDOW, ...given, days: [...(given.days ?? DEFAULT_CALLING_WINDOW.days)] };
}

function rangeProblem(r: TimeRange | undefined, where: string): string | null {
  if (!r || typeof r !== 'object') return `${where} must be {start, end}`;
  if (typeof r.start !== 'string' || !HHMM.test(r.start)) return `${where}.start "${String(r.start)}" is not HH:mm`;
  if (typeof r.end !== 'string' || !END.test(r.end)) return `${where}.end "${String(r.end)}" is not HH:mm`;
  if (parseHhmm(r.end) <= parseHhmm(r.start)) return `${where}: end must be after start`;
  return null;
}

/** Day number (days since 1970-01-01) of a "YYYY-MM-DD" date, or null when it is not a date. */
function dayNumber(date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY;
}

/** Why a window is not usable, or null when it is. */
export function windowProblem(w: CallingWindow): string | null {
  if (w.ranges !== undefined) {
    if (!w.ranges || typeof w.ranges !== 'object' || Array.isArray(w.ranges)) return 'ranges must map weekdays "1" (Monday) to "7" (Sunday) to lists of {start, end}';
    for (const [day, list] of Object.entries(w.ranges)) {
      if (!/^[1-7]$/.test(day)) return `ranges: "${day}" is not a weekday 1 (Monday) to 7 (Sunday)`;
      if (!Array.isArray(list)) return `ranges.${day} must be a list of {start, end}`;
      for (let i = 0; i < list.length; i++) {
        const p = rangeProblem(list[i], `ranges.${day}[${i}]`);
        if (p) return p;
      }
    }
  } else {
    const r = resolveWindow(w);
    if (!HHMM.test(r.start!)) return `start "${r.start}" is not HH:mm`;
    if (!END.test(r.end!)) return `end "${r.end}" is not HH:mm`;
    if (parseHhmm(r.end!) <= parseHhmm(r.start!)) return 'end must be after start';
    if (!r.days!.length || r.days!.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) return 'days must list weekdays 1 (Monday) to 7 (Sunday)';
  }
  for (const h of w.holidays ?? []) {
    if (typeof h !== 'string' || dayNumber(h) === null) return `holiday "${String(h)}" is not a date YYYY-MM-DD`;
  }
  if (w.rulePack !== undefined && (typeof w.rulePack !== 'string' || !isRulePackChoice(w.rulePack))) {
    return `rulePack "${String(w.rulePack)}" is not "${AUTO_RULE_PACK}" or a known rule pack`;
  }
  return null;
}

/**
 * Names already found valid. luxon checks a zone by building an Intl.DateTimeFormat (ICU memory
 * outside the JS heap each time): the time-zone table of imports alone checked ~20,000 entries and
 * left ~90 MB in the process's malloc heap. Valid names are a closed set (a few hundred; capped
 * against case variants); invalid ones are not kept.
 */
const validZones = new Set<string>();

export function isValidZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  if (validZones.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  if (validZones.size < 2000) validZones.add(zone);
  return true;
}

/** The zones a lead is judged in: its own candidates, else the campaign's default zone. */
export function leadZones(leadTimezones: readonly string[] | null | undefined, campaignDefaultZone: string): string[] {
  const own = (leadTimezones ?? []).filter((z) => z && isValidZone(z));
  return own.length ? [...own] : [campaignDefaultZone];
}

// ---------------------------------------------------------------------------------------------
// Compiled rules: per weekday, sorted disjoint minute intervals [start, end) of the intersection of
// the campaign's schedule and the rule pack; holidays as day numbers of the local calendar.

/** Flat [s0, e0, s1, e1, …] minutes of a day, sorted and disjoint. */
type Intervals = readonly number[];

export interface CompiledRules {
  /** Index 0 = Monday … 6 = Sunday. */
  readonly week: readonly Intervals[];
  readonly holidays: ReadonlySet<number>;
  readonly pack: RulePack | null;
}

function normalize(pairs: Array<[number, number]>): number[] {
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [s, e] of pairs) {
    if (e <= s) continue;
    const n = out.length;
    if (n && s <= out[n - 1]!) out[n - 1] = Math.max(out[n - 1]!, e);
    else out.push(s, e);
  }
  return out;
}

function intersect(a: Intervals, b: Intervals): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i]!, b[j]!);
    const e = Math.min(a[i + 1]!, b[j + 1]!);
    if (s < e) out.push(s, e);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

function rangesToIntervals(list: readonly TimeRange[] | undefined): number[] {
  return normalize((list ?? []).map((r) => [parseHhmm(r.start), parseHhmm(r.end)]));
}

function campaignWeek(w: CallingWindow): number[][] {
  const week: number[][] = [];
  for (let d = 1; d <= 7; d++) {
    let iv: number[];
    if (w.ranges) {
      iv = rangesToIntervals(w.ranges[String(d)]);
    } else {
      const r = resolveWindow(w);
      iv = r.days!.includes(d) ? normalize([[parseHhmm(r.start!), parseHhmm(r.end!)]]) : [];
    }
    if (w.excludeWeekends && d >= 6) iv = [];
    week.push(iv);
  }
  return week;
}

const compiledCache = new WeakMap<object, Map<string, CompiledRules>>();

/**
 * The campaign's window intersected with a rule pack, ready for fast checks. Cached per window
 * object and pack, so the feeder compiles once per pass, not once per lead.
 */
export function compileRules(window: CallingWindow, pack: RulePack | null = null): CompiledRules {
  const key = pack?.id ?? '';
  let perWindow = compiledCache.get(window);
  const hit = perWindow?.get(key);
  if (hit) return hit;
  const base = campaignWeek(window);
  const week = base.map((iv, i) => (pack ? intersect(iv, rangesToIntervals(pack.hours[(i + 1) as Weekday])) : iv));
  const holidays = new Set<number>();
  for (const h of window.holidays ?? []) {
    const n = dayNumber(h);
    if (n !== null) holidays.add(n);
  }
  const compiled: CompiledRules = { week, holidays, pack };
  if (!perWindow) {
    perWindow = new Map();
    compiledCache.set(window, perWindow);
  }
  perWindow.set(key, compiled);
  return compiled;
}

const zones = new Map<string, IANAZone | null>();

function zoneOf(name: string): IANAZone | null {
  let z = zones.get(name);
  if (z === undefined) {
    z = IANAZone.isValidZone(name) ? IANAZone.create(name) : null;
    zones.set(name, z);
  }
  return z;
}

/** Offset of a zone at an instant, in ms (local wall clock = instant + offset). */
function offsetMs(z: IANAZone, ms: number): number {
  return z.offset(ms) * MINUTE;
}

function inIntervals(iv: Intervals, minute: number): boolean {
  for (let i = 0; i < iv.length; i += 2) {
    if (minute < iv[i]!) return false;
    if (minute < iv[i + 1]!) return true;
  }
  return false;
}

/** Weekday index 0 (Monday) … 6 (Sunday) of a day number (1970-01-01 was a Thursday). */
function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

function openAtWall(r: CompiledRules, wall: number): boolean {
  const day = Math.floor(wall / DAY);
  if (r.holidays.has(day)) return false;
  return inIntervals(r.week[weekdayIndex(day)]!, Math.floor((wall - day * DAY) / MINUTE));
}

function openIn(r: CompiledRules, z: IANAZone, ms: number): boolean {
  return openAtWall(r, ms + offsetMs(z, ms));
}

function toRules(window: CallingWindow | CompiledRules, pack: RulePack | null | undefined): CompiledRules {
  return 'week' in window ? window : compileRules(window, pack ?? null);
}

/**
 * May a callee with these candidate zones be called at `at`? Only if the campaign's schedule and the
 * rule pack are open in every zone. An unknown zone or no zone at all: never.
 */
export function isCallableAt(window: CallingWindow | CompiledRules, zoneNames: readonly string[], at: Date, pack?: RulePack | null): boolean {
  const r = toRules(window, pack);
  if (zoneNames.length === 0) return false;
  const ms = at.getTime();
  for (const name of zoneNames) {
    const z = zoneOf(name);
    if (!z || !openIn(r, z, ms)) return false;
  }
  return true;
}

/**
 * The first instant ≥ t at which the rules are open in zone z, or null after `limit`. It walks the
 * zone's local timeline from boundary to boundary (a range's start, midnight, an offset change),
 * so daylight-saving gaps and repeats come out as the tz database says.
 */
function nextOpenIn(r: CompiledRules, z: IANAZone, t: number, limit: number): number | null {
  let cur = t;
  for (let guard = 0; guard < 100_000 && cur <= limit; guard++) {
    const off = offsetMs(z, cur);
    const wall = cur + off;
    if (openAtWall(r, wall)) return cur;
    const day = Math.floor(wall / DAY);
    const msOfDay = wall - day * DAY;
    let nextWall = (day + 1) * DAY;
    if (!r.holidays.has(day)) {
      const iv = r.week[weekdayIndex(day)]!;
      for (let i = 0; i < iv.length; i += 2) {
        if (iv[i]! * MINUTE > msOfDay) {
          nextWall = day * DAY + iv[i]! * MINUTE;
          break;
        }
      }
    }
    let next = cur + (nextWall - wall);
    if (offsetMs(z, next) !== off) next = offsetChange(z, cur, next, off);
    cur = next;
  }
  return null;
}

/** The first instant in (lo, hi] whose offset differs from `off` (the offset at lo). */
function offsetChange(z: IANAZone, lo: number, hi: number, off: number): number {
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offsetMs(z, mid) === off) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface NextCallableOptions {
  /** How far to look, in days (default 14). */
  horizonDays?: number;
  /** How far to look, in ms (overrides horizonDays). */
  horizonMs?: number;
  pack?: RulePack | null;
}

/**
 * The first instant ≥ `after` at which the callee may be called in every zone, or null if there is
 * none within the horizon. Each zone's next opening is computed on its own local timeline; the
 * latest of them is the earliest moment all could be open, which is then checked again (another
 * zone may have closed meanwhile) until all agree.
 */
export function nextCallableAt(
  window: CallingWindow | CompiledRules, zoneNames: readonly string[], after: Date, opts: number | NextCallableOptions = {},
): Date | null {
  const o: NextCallableOptions = typeof opts === 'number' ? { horizonDays: opts } : opts;
  const r = toRules(window, o.pack);
  if (zoneNames.length === 0) return null;
  const zs: IANAZone[] = [];
  for (const name of zoneNames) {
    const z = zoneOf(name);
    if (!z) return null;
    zs.push(z);
  }
  const start = after.getTime();
  const limit = start + (o.horizonMs ?? (o.horizonDays ?? 14) * DAY);
  let t = start;
  for (let guard = 0; guard < 10_000 && t <= limit; guard++) {
    let latest = t;
    for (const z of zs) {
      if (openIn(r, z, t)) continue;
      const n = nextOpenIn(r, z, t, limit);
      if (n === null) return null;
      if (n > latest) latest = n;
    }
    if (latest === t) return new Date(t);
    t = latest;
  }
  return null;
}

/** The rules for one callee: the campaign's window intersected with the pack of the callee's number. */
export function rulesForCallee(window: CallingWindow, phoneE164: string | null | undefined): CompiledRules {
  return compileRules(window, resolveRulePack(window.rulePack, phoneE164));
}
