import { parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/max';

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
 * Normalizes a phone number to E.164; national numbers use the campaign's default country.
 * Invalid, too short, too long and non-dialable numbers (premium rate, shared cost, pagers, UAN,
 * voicemail access, short codes) are refused with their reason.
 */
export function normalizePhone(raw: string, defaultCountry: string): PhoneResult {
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
  if (!parsed.isValid()) return { ok: false, reason: 'phone is not a valid number' };
  const type = parsed.getType();
  if (type && NON_DIALABLE.has(type)) return { ok: false, reason: `phone is a non-dialable ${type.toLowerCase().replace(/_/g, ' ')} number` };
  return { ok: true, e164: parsed.number, country: parsed.country };
}
