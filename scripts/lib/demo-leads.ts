import { DateTime } from 'luxon';
import { normalizePhone } from '@dialer/domain';

/** Regions the demo draws callees from, each with a number plan and its time zone. */
const REGIONS = [
  { zone: 'America/New_York', country: 'US', make: (r: () => number) => `+1212${digits(r, 7, 2)}` },
  { zone: 'America/Chicago', country: 'US', make: (r: () => number) => `+1312${digits(r, 7, 2)}` },
  { zone: 'America/Los_Angeles', country: 'US', make: (r: () => number) => `+1415${digits(r, 7, 2)}` },
  { zone: 'Europe/London', country: 'GB', make: (r: () => number) => `+447${digits(r, 9, 4)}` },
  { zone: 'Asia/Kolkata', country: 'IN', make: (r: () => number) => `+919${digits(r, 9, 1)}` },
  { zone: 'Asia/Tokyo', country: 'JP', make: (r: () => number) => `+8190${digits(r, 8, 1)}` },
  { zone: 'Australia/Sydney', country: 'AU', make: (r: () => number) => `+614${digits(r, 8, 1)}` },
  { zone: 'America/Sao_Paulo', country: 'BR', make: (r: () => number) => `+55119${digits(r, 8, 1)}` },
];

function digits(r: () => number, n: number, minFirst: number): string {
  let s = String(minFirst + Math.floor(r() * (10 - minFirst)));
  while (s.length < n) s += String(Math.floor(r() * 10));
  return s;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A CSV of `count` callees in the regions where it is now between 10:00 and 18:00 local time, so the
 * demo's calling window (09:00–20:00 in the callee's zone) is open for all of them, whatever the hour.
 */
export function demoLeadsCsv(count: number, now = new Date(), seed = 42): { csv: string; zones: string[] } {
  const open = REGIONS.filter((g) => {
    const h = DateTime.fromJSDate(now, { zone: g.zone }).hour;
    return h >= 10 && h < 18;
  });
  const regions = open.length ? open : REGIONS.slice(0, 1);
  const r = rng(seed);
  const first = ['Asha', 'Ben', 'Chen', 'Dara', 'Eli', 'Fatima', 'Gus', 'Hana', 'Ivan', 'Jo', 'Kiran', 'Lena'];
  const last = ['Rao', 'Smith', 'Tanaka', 'Silva', 'Brown', 'Khan', 'Nguyen', 'Garcia', 'Okafor', 'Muller'];
  const seen = new Set<string>();
  const lines = ['phone,first_name,last_name,timezone,property_interest'];
  let guard = 0;
  while (lines.length <= count && guard++ < count * 50) {
    const g = regions[lines.length % regions.length]!;
    const phone = g.make(r);
    const n = normalizePhone(phone, g.country);
    if (!n.ok || seen.has(n.e164)) continue;
    seen.add(n.e164);
    const fn = first[Math.floor(r() * first.length)]!;
    const ln = last[Math.floor(r() * last.length)]!;
    const interest = ['2BHK', '3BHK', 'villa', 'plot'][Math.floor(r() * 4)]!;
    lines.push(`${n.e164},${fn},${ln},${g.zone},${interest}`);
  }
  return { csv: `${lines.join('\n')}\n`, zones: regions.map((g) => g.zone) };
}
