import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type PhoneResult = { ok: true; e164: string; country: string | undefined } | { ok: false; reason: string };

const NON_DIALABLE = new Set(['PREMIUM_RATE', 'SHARED_COST', 'VOIP_PAGER', 'PAGER', 'UAN', 'VOICEMAIL']);

/** Normalizes a phone number to E.164; national numbers use the campaign's default country. */
export function normalizePhone(raw: string, defaultCountry: string): PhoneResult {
  const text = raw.trim();
  if (!text) return { ok: false, reason: 'phone is empty' };
  if (!/\d/.test(text)) return { ok: false, reason: 'phone has no digits' };
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: defaultCountry.toUpperCase() as CountryCode, extract: false });
  if (!parsed) return { ok: false, reason: 'phone could not be parsed' };
  if (!parsed.isPossible()) return { ok: false, reason: 'phone has the wrong number of digits' };
  if (!parsed.isValid()) return { ok: false, reason: 'phone is not a valid number' };
  const type = parsed.getType();
  if (type && NON_DIALABLE.has(type)) return { ok: false, reason: `phone is a non-dialable ${type.toLowerCase().replace('_', ' ')} number` };
  return { ok: true, e164: parsed.number, country: parsed.country };
}
