import { isCallableAt, leadZones, nextCallableAt, rulesForCallee, type CallingWindow } from './calling-window';

/** Open leads that share their candidate zones, rule pack and due hour. */
export interface PreviewGroup {
  /** The leads' own candidate zones (empty: the campaign's default zone). */
  timezones: readonly string[];
  /** One of the group's numbers: its rule pack is the group's (packs go by country and area code). */
  samplePhone: string | null;
  /** When the group is due (next_attempt_at, at least the preview's start). */
  dueAt: Date;
  count: number;
}

export interface PreviewHour {
  /** Start of the hour (ISO). */
  start: string;
  /** Leads that may be called at some moment of this hour. */
  callable: number;
  /** Of those, the ones that were not callable just before the hour (their window opens in it, or they fall due in it). */
  opening: number;
  /** Callable leads per zone set ("America/Chicago+America/New_York" when a lead has several). */
  byZone: Record<string, number>;
}

const HOUR = 3_600_000;

/**
 * Hour by hour from `from`: how many open leads may be called and in which zones. The window is
 * evaluated once per distinct (zones, rule pack) and hour, so the cost does not grow with leads.
 */
export function previewSchedule(args: {
  window: CallingWindow;
  defaultTimezone: string;
  groups: readonly PreviewGroup[];
  from: Date;
  hours: number;
  /** The campaign stops here (scheduled end): no calls after. */
  endAt?: Date | null;
}): PreviewHour[] {
  const start = Math.floor(args.from.getTime() / HOUR) * HOUR;
  const out: PreviewHour[] = [];
  for (let h = 0; h < args.hours; h++) out.push({ start: new Date(start + h * HOUR).toISOString(), callable: 0, opening: 0, byZone: {} });
  const endMs = args.endAt ? args.endAt.getTime() : Number.POSITIVE_INFINITY;

  // Per (zones, pack): for each hour, [open some time in the hour, open just before it].
  const flags = new Map<string, Array<[boolean, boolean]>>();
  for (const g of args.groups) {
    const zones = leadZones(g.timezones, args.defaultTimezone);
    const rules = rulesForCallee(args.window, g.samplePhone);
    const key = `${zones.join('+')}|${rules.pack?.id ?? ''}`;
    let f = flags.get(key);
    if (!f) {
      f = [];
      for (let h = 0; h < args.hours; h++) {
        const hStart = start + h * HOUR;
        const until = Math.min(hStart + HOUR, endMs);
        if (until <= hStart) {
          f.push([false, false]);
          continue;
        }
        const before = isCallableAt(rules, zones, new Date(hStart - 1));
        const some = nextCallableAt(rules, zones, new Date(hStart), { horizonMs: until - hStart - 1 }) !== null;
        f.push([some, before]);
      }
      flags.set(key, f);
    }
    const zoneKey = [...zones].sort().join('+');
    const dueHour = Math.max(0, Math.floor((g.dueAt.getTime() - start) / HOUR));
    for (let h = dueHour; h < args.hours; h++) {
      const [some, before] = f[h]!;
      if (!some) continue;
      const row = out[h]!;
      row.callable += g.count;
      if (!before || (h === dueHour && g.dueAt.getTime() > args.from.getTime())) row.opening += g.count;
      row.byZone[zoneKey] = (row.byZone[zoneKey] ?? 0) + g.count;
    }
  }
  return out;
}
