import fc from 'fast-check';
import {
  compileRules, isCallableAt, nextCallableAt, RULE_PACKS, windowProblem, type CallingWindow, type RulePack, type TimeRange,
} from '@dialer/domain';

/*
 * The window module against an independent, straightforward computation: local time read with
 * Intl.DateTimeFormat (not luxon), the raw window checked field by field, and the next opening
 * found by trying every minute.
 */

const ZONES = [
  'America/New_York', 'America/Los_Angeles', 'America/Phoenix', 'America/St_Johns', 'America/Santiago', 'America/Havana',
  'Europe/London', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'Asia/Tehran', 'Australia/Lord_Howe',
  'Pacific/Chatham', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Africa/Casablanca', 'Etc/GMT+5', 'UTC',
];

/** Instants where clocks change (2026), with their zone, to aim at DST edges. */
const DST_EDGES: Array<[string, number]> = ([
  ['America/New_York', '2026-03-08T07:00:00Z'], ['America/New_York', '2026-11-01T06:00:00Z'],
  ['America/Los_Angeles', '2026-03-08T10:00:00Z'], ['America/Los_Angeles', '2026-11-01T09:00:00Z'],
  ['Europe/Berlin', '2026-03-29T01:00:00Z'], ['Europe/Berlin', '2026-10-25T01:00:00Z'],
  ['Europe/London', '2026-03-29T01:00:00Z'], ['Europe/London', '2026-10-25T01:00:00Z'],
  ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'], ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
  ['America/Santiago', '2026-04-05T03:00:00Z'], ['America/Santiago', '2026-09-06T04:00:00Z'],
  ['America/Havana', '2026-03-08T05:00:00Z'], ['America/Havana', '2026-11-01T05:00:00Z'],
  ['Pacific/Chatham', '2026-04-04T14:00:00Z'], ['Pacific/Chatham', '2026-09-26T14:00:00Z'],
] as Array<[string, string]>).map(([z, s]) => [z, Date.parse(s)]);

const formatters = new Map<string, Intl.DateTimeFormat>();
function parts(ms: number, zone: string): { date: string; weekday: number; minute: number } {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(new Date(ms))) p[x.type] = x.value;
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday!) + 1,
    minute: Number(p.hour) * 60 + Number(p.minute),
  };
}

const toMin = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
const inAny = (list: readonly TimeRange[] | undefined, m: number): boolean => (list ?? []).some((r) => toMin(r.start) <= m && m < toMin(r.end));

function oracleOpen(w: CallingWindow, pack: RulePack | null, zone: string, ms: number): boolean {
  const { date, weekday, minute } = parts(ms, zone);
  if ((w.holidays ?? []).includes(date)) return false;
  if (w.excludeWeekends && weekday >= 6) return false;
  const own = w.ranges
    ? inAny(w.ranges[String(weekday)], minute)
    : (w.days ?? [1, 2, 3, 4, 5, 6, 7]).includes(weekday) && toMin(w.start ?? '09:00') <= minute && minute < toMin(w.end ?? '20:00');
  if (!own) return false;
  return pack === null || inAny(pack.hours[weekday as 1], minute);
}

function oracleCallable(w: CallingWindow, pack: RulePack | null, zones: readonly string[], ms: number): boolean {
  return zones.every((z) => oracleOpen(w, pack, z, ms));
}

function oracleNext(w: CallingWindow, pack: RulePack | null, zones: readonly string[], after: number, horizonMs: number): number | null {
  if (oracleCallable(w, pack, zones, after)) return after;
  for (let t = Math.ceil(after / 60_000) * 60_000; t <= after + horizonMs; t += 60_000) {
    if (oracleCallable(w, pack, zones, t)) return t;
  }
  return null;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const hhmm = (m: number): string => (m === 1440 ? '24:00' : `${pad(Math.floor(m / 60))}:${pad(m % 60)}`);

/** Minutes biased to the small hours (where clocks change) and to whole hours. */
const minuteArb = fc.oneof(
  fc.integer({ min: 0, max: 1439 }),
  fc.integer({ min: 0, max: 23 }).map((h) => h * 60),
  fc.integer({ min: 0, max: 240 }),
);

const rangeArb: fc.Arbitrary<TimeRange> = fc.tuple(minuteArb, fc.integer({ min: 1, max: 900 }))
  .map(([s, len]) => ({ start: hhmm(s), end: hhmm(Math.min(1440, s + len)) }));

const instantArb = fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') });

function windowArb(near: number): fc.Arbitrary<CallingWindow> {
  const day = (offsetDays: number): string => new Date(near + offsetDays * 86_400_000).toISOString().slice(0, 10);
  const holidays = fc.array(fc.integer({ min: -1, max: 4 }).map(day), { maxLength: 3 });
  const legacy = fc.record({
    start: minuteArb.filter((m) => m < 1439).map(hhmm),
    days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    len: fc.integer({ min: 1, max: 1000 }),
  }).map(({ start, days, len }) => ({ start, end: hhmm(Math.min(1440, toMin(start) + len)), days }));
  const ranges = fc.dictionary(fc.constantFrom('1', '2', '3', '4', '5', '6', '7'), fc.array(rangeArb, { maxLength: 3 }))
    .map((r) => ({ ranges: r }));
  return fc.tuple(fc.oneof(legacy, ranges), holidays, fc.boolean())
    .map(([w, h, ex]) => ({ ...w, ...(h.length ? { holidays: h } : {}), ...(ex ? { excludeWeekends: true } : {}) } as CallingWindow));
}

const packArb = fc.constantFrom<RulePack | null>(null, ...Object.values(RULE_PACKS));
const zonesArb = fc.uniqueArray(fc.constantFrom(...ZONES), { minLength: 1, maxLength: 3 });

const uniformCase = instantArb.chain((at) => fc.record({
  at: fc.constant(at),
  window: windowArb(at),
  pack: packArb,
  zones: zonesArb,
}));

/** A zone on the day its clocks change, a few hours either side, with ranges around the small hours. */
const dstCase = fc.constantFrom(...DST_EDGES).chain(([zone, edge]) => fc.record({
  at: fc.integer({ min: edge - 8 * 3_600_000, max: edge + 3 * 3_600_000 }),
  window: fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 240 })), { minLength: 1, maxLength: 3 })
    .map((list) => {
      const day = list.map(([s, len]) => ({ start: hhmm(s), end: hhmm(Math.min(1440, s + len)) }));
      return { ranges: { 1: day, 2: day, 3: day, 4: day, 5: day, 6: day, 7: day } } as CallingWindow;
    }),
  pack: fc.constant(null),
  zones: fc.constant([zone]),
}));

const caseArb = fc.oneof(uniformCase, dstCase);

describe('calling window, property-based', () => {
  it('when asked whether a callee may be called at an instant, then it agrees with the field-by-field check in every zone', () => {
    fc.assert(fc.property(caseArb, ({ at, window, pack, zones }) => {
      expect(windowProblem(window)).toBeNull();
      expect(isCallableAt(window, zones, new Date(at), pack)).toBe(oracleCallable(window, pack, zones, at));
    }), { numRuns: 3000 });
  });

  it('when asked for the next callable instant, then it is the first minute the minute-by-minute scan finds (or none within the horizon)', () => {
    const horizonMs = 3 * 86_400_000;
    fc.assert(fc.property(caseArb, ({ at, window, pack, zones }) => {
      const got = nextCallableAt(window, zones, new Date(at), { horizonMs, pack });
      const want = oracleNext(window, pack, zones, at, horizonMs);
      expect(got?.getTime() ?? null).toBe(want);
    }), { numRuns: 250 });
  });

  it('when the next callable instant is found, then the callee is callable there and at no earlier minute (a long horizon)', () => {
    fc.assert(fc.property(caseArb, ({ at, window, pack, zones }) => {
      const rules = compileRules(window, pack);
      const got = nextCallableAt(rules, zones, new Date(at), { horizonDays: 30 });
      if (got === null) return;
      expect(isCallableAt(rules, zones, got)).toBe(true);
      expect(oracleCallable(window, pack, zones, got.getTime())).toBe(true);
      // Spot-check minutes before it.
      for (let t = got.getTime() - 60_000, i = 0; t >= at && i < 120; t -= 60_000, i++) {
        expect(oracleCallable(window, pack, zones, t)).toBe(false);
      }
    }), { numRuns: 300 });
  });
});
