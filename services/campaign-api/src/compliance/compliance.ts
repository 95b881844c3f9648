import type { ApiKeyRole } from '@dialer/db';

export type ComplianceMode = 'standard' | 'hipaa' | 'pci';

/** "+14155552671" → "+1*******71": the country's first digit and the last two. */
export function maskPhone(e164: string): string {
  if (e164.length <= 4) return '*'.repeat(e164.length);
  return `${e164.slice(0, 2)}${'*'.repeat(e164.length - 4)}${e164.slice(-2)}`;
}

/** HIPAA: a viewer sees leads without their personal data (masked phone, no names, email or custom fields). */
export function hidesPersonalData(mode: ComplianceMode, role: ApiKeyRole): boolean {
  return mode === 'hipaa' && role === 'viewer';
}

interface LeadLike {
  phoneE164: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  custom: Record<string, unknown>;
}

/** A lead as a caller may see it under the campaign's compliance mode. */
export function leadForRole<T extends LeadLike>(lead: T, mode: ComplianceMode, role: ApiKeyRole): T {
  if (!hidesPersonalData(mode, role)) return lead;
  return { ...lead, phoneE164: maskPhone(lead.phoneE164), firstName: null, lastName: null, email: null, custom: {} };
}

/** Who a call was to, as a caller may see it: the lead's name and number, masked exactly as lead reads are. */
export function callLeadForRole(
  lead: { phoneE164: string; firstName: string | null; lastName: string | null }, mode: ComplianceMode, role: ApiKeyRole,
): { firstName: string | null; lastName: string | null; phoneE164: string } {
  const shown = leadForRole({ ...lead, email: null, custom: {} }, mode, role);
  return { firstName: shown.firstName, lastName: shown.lastName, phoneE164: shown.phoneE164 };
}

const CARD_CANDIDATE = /(?:\d[ -]?){13,19}/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** True when the text holds a payment card number: 13–19 digits (spaces or dashes between) passing Luhn. */
export function containsCardNumber(text: string): boolean {
  for (const m of text.matchAll(CARD_CANDIDATE)) {
    const digits = m[0].replace(/[ -]/g, '');
    for (let len = Math.min(19, digits.length); len >= 13; len--) {
      for (let start = 0; start + len <= digits.length; start++) {
        if (luhn(digits.slice(start, start + len))) return true;
      }
    }
  }
  return false;
}
