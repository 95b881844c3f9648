import { Metadata } from 'libphonenumber-js/core';
import { parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/max';
import maxMetadata from 'libphonenumber-js/metadata.max.json';

export type PhoneResult = { ok: true; e164: string; country: string | undefined } | { ok: false; reason: string };

/** Number types that are never dialed for a campaign (they cost the callee or reach no person). */
const NON_DIALABLE = new Set(['PREMIUM_RATE', 'SHARED_COST', 'VOIP_PAGER', 'PAGER', 'UAN', 'VOICEMAIL']);
/** At most this many digits and too short for the country: a service short code (611, 12345). */
const SHORT_CODE_DIGITS = 6;

function lengthProblem(text: string, country: CountryCode, digits: number): string {
  const v = validatePhoneNumberLength(text, country);
  if (v === 'TOO_SHORT') return digits <= SHORT_CODE_DIGITS ? 'phone is a short code or too short to dial' : 'phone is too short';
  if (v === 'TOO_LONG') return 'phone is too long';
  if (v === 'INVALID_COUNTRY') return 'phone has an unknown country calling code';
  return 'phone has the wrong number of digits';
}

/**
 * The reference normalization, entirely through libphonenumber-js (about 20 µs a number).
 * `normalizePhone` answers the same, faster, for the common shapes; this one is kept for the rest
 * and as the oracle its property tests compare against.
 */
export function normalizePhoneExact(raw: string, defaultCountry: string): PhoneResult {
  const text = raw.trim();
  if (!text) return { ok: false, reason: 'phone is empty' };
  const digits = text.replace(/\D/g, '').length;
  if (digits === 0) return { ok: false, reason: 'phone has no digits' };
  const country = defaultCountry.toUpperCase() as CountryCode;
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: country, extract: false });
  if (!parsed) {
    return { ok: false, reason: text.startsWith('+') ? lengthProblem(text, country, digits) : 'phone could not be parsed' };
  }
  if (!parsed.isPossible()) return { ok: false, reason: lengthProblem(text, country, digits) };
  // A number with a type is valid; isValid() (which computes the type again) only decides the others.
  const type = parsed.getType();
  if (type === undefined && !parsed.isValid()) return { ok: false, reason: 'phone is not a valid number' };
  if (type && NON_DIALABLE.has(type)) return { ok: false, reason: `phone is a non-dialable ${type.toLowerCase().replace(/_/g, ' ')} number` };
  return { ok: true, e164: parsed.number, country: parsed.country };
}

// ---------------------------------------------------------------------------------------------
// Fast path for North American numbers (calling code 1) written in the usual shapes. It applies
// the library's own rules — its metadata, and the algorithm of its getCountryByNationalNumber and
// getNumberType — with the regular expressions compiled once (the library rebuilds them on every
// call). It only ever accepts: anything else (other shapes, other countries, every refusal) goes
// through normalizePhoneExact, so refusals and their reasons are the library's own. Property tests
// check that both answer the same.
// ---------------------------------------------------------------------------------------------

/** The parts of libphonenumber-js's Metadata class used here (typed loosely in its .d.ts). */
interface PlanType {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface NumberingPlanApi {
  leadingDigits(): string | undefined;
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  type(t: string): PlanType | undefined;
}
interface MetadataApi {
  selectNumberingPlan(country: string): void;
  numberingPlan: NumberingPlanApi;
  getCountryCodesForCallingCode(code: string): string[] | undefined;
}

const NON_FIXED_LINE_TYPES = ['MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];

interface CompiledType {
  name: string;
  re: RegExp;
  lengths: number[] | undefined;
}

interface CompiledPlan {
  country: string;
  /** Matches at the start of the national number (the library's `search(leadingDigits) === 0`). */
  leading: RegExp | undefined;
  national: RegExp;
  possibleLengths: number[] | undefined;
  fixedLine: CompiledType | undefined;
  mobile: CompiledType | undefined;
  /** The mobile type exists with an empty pattern. */
  mobileEmpty: boolean;
  others: CompiledType[];
}

function whole(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function compilePlan(meta: MetadataApi, country: string): CompiledPlan {
  meta.selectNumberingPlan(country);
  const plan = meta.numberingPlan;
  const compileType = (name: string): CompiledType | undefined => {
    const t = plan.type(name);
    if (!t || !t.pattern()) return undefined;
    return { name, re: whole(t.pattern()), lengths: t.possibleLengths() };
  };
  const leading = plan.leadingDigits();
  const mobileType = plan.type('MOBILE');
  return {
    country,
    leading: leading ? new RegExp(`^(?:${leading})`) : undefined,
    national: whole(plan.nationalNumberPattern()),
    possibleLengths: plan.possibleLengths(),
    fixedLine: compileType('FIXED_LINE'),
    mobile: compileType('MOBILE'),
    mobileEmpty: mobileType !== undefined && mobileType.pattern() === '',
    others: NON_FIXED_LINE_TYPES.map(compileType).filter((t): t is CompiledType => t !== undefined),
  };
}

function isType(n: string, t: CompiledType | undefined): boolean {
  if (!t) return false;
  if (t.lengths && t.lengths.indexOf(n.length) < 0) return false;
  return t.re.test(n);
}

/** libphonenumber-js getNumberType for a national number, with compiled expressions. */
function numberType(p: CompiledPlan, n: string): string | undefined {
  if (!p.national.test(n)) return undefined;
  if (isType(n, p.fixedLine)) {
    if (p.mobileEmpty || !p.mobile) return 'FIXED_LINE_OR_MOBILE';
    return isType(n, p.mobile) ? 'FIXED_LINE_OR_MOBILE' : 'FIXED_LINE';
  }
  for (const t of p.others) if (isType(n, t)) return t.name;
  return undefined;
}

interface Nanp {
  /** Countries sharing calling code 1, in the library's order (the main country first). */
  plans: CompiledPlan[];
  byCountry: Map<string, CompiledPlan>;
}

let nanp: Nanp | undefined;

function nanpPlans(): Nanp {
  if (nanp) return nanp;
  const meta = new Metadata(maxMetadata) as unknown as MetadataApi;
  const countries = meta.getCountryCodesForCallingCode('1') ?? [];
  const plans = countries.map((c) => compilePlan(meta, c));
  nanp = { plans, byCountry: new Map(plans.map((p) => [p.country, p])) };
  return nanp;
}

/**
 * `+1 415 555 2671`, `1-415-555-2671`, `(415) 555-2671`, `415.555.2671`, `4155552671`: an optional
 * +1 or 1, then area code (optionally in parentheses), exchange and line, separated by nothing, one
 * space, dot or hyphen. Area code and exchange start with 2-9, as NANP numbers do.
 */
const NANP_SHAPE = /^(\+?1[ .-]?)?(?:\(([2-9]\d\d)\)|([2-9]\d\d))[ .-]?([2-9]\d\d)[ .-]?(\d{4})$/;

/** The accepted result for a NANP-shaped number, or undefined when the exact path must decide. */
function fastNanp(text: string, defaultCountry: string): PhoneResult | undefined {
  const m = NANP_SHAPE.exec(text);
  if (!m) return undefined;
  const prefix = m[1];
  const international = prefix !== undefined && prefix.charCodeAt(0) === 43; // '+'
  const { plans, byCountry } = nanpPlans();
  const fallback = international ? undefined : byCountry.get(defaultCountry);
  if (!international && !fallback) return undefined; // a national number of another country
  const n = `${m[2] ?? m[3]!}${m[4]!}${m[5]!}`;
  // getCountryByNationalNumber: the first country whose leading digits match, or whose types know the number.
  let plan: CompiledPlan | undefined;
  for (const p of plans) {
    if (p.leading ? p.leading.test(n) : numberType(p, n) !== undefined) {
      plan = p;
      break;
    }
  }
  const country = plan?.country ?? fallback?.country;
  const selected = plan ?? fallback ?? plans[0];
  if (!selected || !selected.possibleLengths || selected.possibleLengths.indexOf(10) < 0) return undefined;
  const type = numberType(selected, n);
  if (type === undefined || NON_DIALABLE.has(type)) return undefined;
  return { ok: true, e164: `+1${n}`, country };
}

/**
 * Normalizes a phone number to E.164; national numbers use the campaign's default country.
 * Invalid, too short, too long and non-dialable numbers (premium rate, shared cost, pagers, UAN,
 * voicemail access, short codes) are refused with their reason. North American numbers in the
 * usual shapes take a fast path (about 1 µs instead of 20) that gives the same answers.
 */
export function normalizePhone(raw: string, defaultCountry: string): PhoneResult {
  const text = raw.trim();
  const country = defaultCountry.toUpperCase();
  return fastNanp(text, country) ?? normalizePhoneExact(text, country);
}

/**
 * The national significant number of an E.164 number (its digits without the country calling
 * code): the digits every written form of the number holds in a row, whatever its punctuation or
 * trunk prefix (`+1 415-555-2671`, `(415) 555-2671` → `4155552671`). Null when it does not parse.
 */
export function nationalDigits(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.nationalNumber ?? null;
}
