import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** A time range of a local day, "HH:mm" to "HH:mm" ("24:00" allowed as end), end exclusive. */
export interface TimeRange {
  start: string;
  end: string;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * A legal floor: the hours in which a jurisdiction allows calls, in the callee's local time, and
 * its frequency cap. A campaign's own schedule is intersected with it; a campaign cannot widen it.
 * Weekdays missing from `hours` allow no calls.
 */
export interface RulePack {
  id: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** State or province (ISO 3166-2 suffix) when the pack is stricter than its country's. */
  region: string | null;
  name: string;
  hours: Partial<Record<Weekday, readonly TimeRange[]>>;
  /** At most this many calls to one number per rolling 24 hours (null: no cap). */
  maxCallsPer24h: number | null;
  /** What the pack does not model (for example state holidays). */
  notes?: string;
  /** Where the rule comes from. */
  sources: readonly string[];
}

const SURVEY = 'reviewed against https://www.dropcowboy.com/state-compliance (updated 2025-11-01) and '
  + 'https://blog.clickpointsoftware.com/telemarketing-calling-hours-by-state (July 2025)';

function every(start: string, end: string, days: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 7]): Partial<Record<Weekday, TimeRange[]>> {
  const out: Partial<Record<Weekday, TimeRange[]>> = {};
  for (const d of days) out[d] = [{ start, end }];
  return out;
}

const MON_SAT: readonly Weekday[] = [1, 2, 3, 4, 5, 6];

function usState(region: string, name: string, hours: RulePack['hours'], sources: string[], extra: Partial<RulePack> = {}): RulePack {
  return { id: `US-${region}`, country: 'US', region, name, hours, maxCallsPer24h: null, sources: [...sources, SURVEY], ...extra };
}

/**
 * The rule packs, as data. Each cites its source; they need a legal review before production use,
 * and state holiday bans (Alabama, Louisiana, Mississippi, Rhode Island …) are not modelled here:
 * put those dates into the campaign's `holidays`.
 */
export const RULE_PACKS: Readonly<Record<string, RulePack>> = Object.freeze({
  US: {
    id: 'US', country: 'US', region: null, name: 'United States, federal',
    hours: every('08:00', '21:00'), maxCallsPer24h: null,
    sources: [
      '47 CFR § 64.1200(c)(1) (TCPA rules: no telephone solicitation before 8 a.m. or after 9 p.m. local time at the called party\'s location)',
      '16 CFR § 310.4(c) (FTC Telemarketing Sales Rule: calling time restrictions)',
    ],
  },
  'US-FL': usState('FL', 'Florida', every('08:00', '20:00'), [
    'Fla. Stat. § 501.616(6)(a) (8 a.m. to 8 p.m. local time of the called person)',
    'Fla. Stat. § 501.616(6)(b) (no more than 3 calls in 24 hours on the same subject matter; as amended by SB 1120, 2021)',
  ], { maxCallsPer24h: 3 }),
  'US-OK': usState('OK', 'Oklahoma', every('08:00', '20:00'), [
    'Okla. Stat. tit. 15, § 775C.4 (Oklahoma Telephone Solicitation Act of 2022: 8 a.m. to 8 p.m.; at most 3 calls in 24 hours on the same subject)',
  ], { maxCallsPer24h: 3 }),
  'US-MD': usState('MD', 'Maryland', every('08:00', '20:00'), [
    'Md. Code, Com. Law § 14-4501 et seq. (Stop the Spam Calls Act of 2023: 8 a.m. to 8 p.m.; at most 3 calls in 24 hours on the same subject)',
  ], { maxCallsPer24h: 3 }),
  'US-WA': usState('WA', 'Washington', every('08:00', '20:00'), [
    'RCW 80.36.390 (telephone solicitation only between 8 a.m. and 8 p.m.)',
  ]),
  'US-MA': usState('MA', 'Massachusetts', every('08:00', '20:00'), [
    'M.G.L. c. 159C § 3 and 201 CMR 12.02 (telephone solicitation between 8 a.m. and 8 p.m.)',
  ]),
  'US-CT': usState('CT', 'Connecticut', every('09:00', '20:00'), [
    'Conn. Gen. Stat. § 42-288a (telephone solicitation between 9 a.m. and 8 p.m.)',
  ]),
  'US-KY': usState('KY', 'Kentucky', every('10:00', '21:00'), [
    'KRS 367.46955(15) (telephone solicitation between 10 a.m. and 9 p.m.)',
  ]),
  'US-TX': usState('TX', 'Texas', { ...every('09:00', '21:00', MON_SAT), 7: [{ start: '12:00', end: '21:00' }] }, [
    'Tex. Bus. & Com. Code § 301.051 (9 a.m. to 9 p.m. weekdays and Saturday; noon to 9 p.m. Sunday)',
  ]),
  'US-AL': usState('AL', 'Alabama', every('08:00', '20:00', MON_SAT), [
    'Ala. Code § 8-19A-1 et seq. (Alabama Telemarketing Act: 8 a.m. to 8 p.m.; no calls on Sunday or state holidays)',
  ], { notes: 'state holidays are not modelled: list them in the campaign\'s holidays' }),
  'US-LA': usState('LA', 'Louisiana', every('08:00', '20:00', MON_SAT), [
    'La. R.S. 45:844.11 et seq. (Louisiana Telephone Solicitation Relief Act: 8 a.m. to 8 p.m.; no calls on Sunday or state holidays)',
  ], { notes: 'state holidays are not modelled: list them in the campaign\'s holidays' }),
  'US-MS': usState('MS', 'Mississippi', every('08:00', '20:00', MON_SAT), [
    'Miss. Code Ann. § 77-3-725 (8 a.m. to 8 p.m.; no calls on Sunday)',
  ]),
  'US-RI': usState('RI', 'Rhode Island', { ...every('09:00', '18:00', [1, 2, 3, 4, 5]), 6: [{ start: '10:00', end: '17:00' }] }, [
    'R.I. Gen. Laws § 5-61-3.4 (9 a.m. to 6 p.m. weekdays, 10 a.m. to 5 p.m. Saturday; no calls on Sunday or state holidays)',
  ], { notes: 'state holidays are not modelled: list them in the campaign\'s holidays' }),
  IN: {
    id: 'IN', country: 'IN', region: null, name: 'India, service and transactional calls',
    hours: every('09:00', '21:00'), maxCallsPer24h: null,
    sources: ['TRAI Telecom Commercial Communications Customer Preference Regulations, 2018 (TCCCPR), as amended: commercial communication time band 09:00–21:00 IST'],
  },
  'IN-PROMO': {
    id: 'IN-PROMO', country: 'IN', region: null, name: 'India, promotional calls (default for Indian numbers)',
    hours: every('10:00', '21:00'), maxCallsPer24h: null,
    sources: [
      'TRAI TCCCPR 2018, as amended: promotional communication within the permitted time band',
      'Project default 10:00–21:00 for promotional calls (stricter than the 09:00–21:00 band), per issue #4',
    ],
  },
});

export const AUTO_RULE_PACK = 'auto';

/** NANP area codes of the US states that have a stricter pack than the federal one. */
const STATE_AREA_CODES: Readonly<Record<string, readonly string[]>> = {
  FL: ['239', '305', '321', '324', '352', '386', '407', '448', '561', '645', '656', '689', '727', '728', '754', '772', '786', '813', '850', '863', '904', '941', '954'],
  OK: ['405', '539', '572', '580', '918'],
  MD: ['227', '240', '301', '410', '443', '667'],
  WA: ['206', '253', '360', '425', '509', '564'],
  MA: ['339', '351', '413', '508', '617', '774', '781', '857', '978'],
  CT: ['203', '475', '860', '959'],
  KY: ['270', '364', '502', '606', '859'],
  TX: ['210', '214', '254', '281', '325', '346', '361', '409', '430', '432', '469', '512', '682', '713', '726', '737', '806', '817', '830', '832', '903', '915', '936', '940', '945', '956', '972', '979'],
  AL: ['205', '251', '256', '334', '659', '938'],
  LA: ['225', '318', '337', '504', '985'],
  MS: ['228', '601', '662', '769'],
  RI: ['401'],
};

const PACK_BY_AREA_CODE = new Map<string, string>();
for (const [state, codes] of Object.entries(STATE_AREA_CODES)) for (const c of codes) PACK_BY_AREA_CODE.set(c, `US-${state}`);

const byPrefix = new Map<string, RulePack | null>();

/**
 * The pack a number falls under by default: a stricter US state's pack by area code, the federal
 * pack for other US numbers, India's promotional pack for +91, none elsewhere. An area code tells
 * where a number was issued, not where its owner is now; it is the best a number alone tells.
 */
export function rulePackForNumber(e164: string): RulePack | null {
  if (e164.startsWith('+91')) return RULE_PACKS['IN-PROMO'] ?? null;
  if (!e164.startsWith('+1') || e164.length < 5) return null;
  const prefix = e164.slice(0, 5);
  const cached = byPrefix.get(prefix);
  if (cached !== undefined) return cached;
  const stateId = PACK_BY_AREA_CODE.get(e164.slice(2, 5));
  let pack: RulePack | null;
  if (stateId) {
    pack = RULE_PACKS[stateId] ?? null;
  } else {
    // NANP: the area code decides the country (US, Canada, the Caribbean). Unknown: the US floor.
    const country = parsePhoneNumberFromString(e164)?.country;
    pack = country === undefined || country === 'US' ? RULE_PACKS.US ?? null : null;
  }
  byPrefix.set(prefix, pack);
  return pack;
}

export function isRulePackChoice(v: string): boolean {
  return v === AUTO_RULE_PACK || Object.prototype.hasOwnProperty.call(RULE_PACKS, v);
}

/**
 * The pack that applies to one callee. `choice` is the campaign's: "auto" (the default) takes the
 * number's pack; a pack id replaces the number's country-level pack of the same country (India's
 * promotional default by "IN" for service calls, say). A state's pack is never replaced: the campaign
 * cannot widen it.
 */
export function resolveRulePack(choice: string | null | undefined, phoneE164: string | null | undefined): RulePack | null {
  const auto = phoneE164 ? rulePackForNumber(phoneE164) : null;
  if (!choice || choice === AUTO_RULE_PACK) return auto;
  const chosen = RULE_PACKS[choice];
  if (!chosen) return auto;
  if (!auto) return phoneE164 ? null : chosen;
  if (auto.region !== null || chosen.country !== auto.country) return auto;
  return chosen;
}
