import { consentRefusal, CONSENT_TYPES, isConsentType, leadTimezones, normalizePhone, type CompiledLeadSchema, type ConsentType, type FieldIssue } from '@dialer/domain';
import { containsCardNumber } from '../compliance/compliance';
import { isIanaZone } from '../http/validators';

/** One lead as a caller sends it (JSON) or as a CSV row maps to it. */
export interface LeadInput {
  phone?: unknown;
  firstName?: unknown;
  lastName?: unknown;
  email?: unknown;
  timezone?: unknown;
  custom?: unknown;
  /** The lead's consent record: {type, grantedAt?, source?, text?}. */
  consent?: unknown;
  /** Zone and country hints (CSV columns): used when zones are derived. */
  state?: unknown;
  postalCode?: unknown;
  country?: unknown;
}

export interface PrepareOptions {
  /**
   * Derive candidate zones from the row's hints, else the number, else the country (imports).
   * Off: only an explicit valid IANA zone is kept, else [] (the campaign's zone at dial time).
   */
  deriveZones?: boolean;
  /** PCI campaigns: a custom value holding a payment card number rejects the row (the value is not echoed). */
  rejectCardNumbers?: boolean;
  /**
   * The campaign's lead schema, compiled once by the caller (per import, per request): the custom
   * values of its fields are checked and stored typed; the names or email it requires are required.
   */
  schema?: CompiledLeadSchema | null;
  /** The campaign's required consent: a lead without consent at least this strong is refused (null: none required). */
  consentRequired?: ConsentType | null;
}

/** A consent record given with a lead (grantedAt as ISO 8601). */
export interface LeadConsent {
  type: ConsentType;
  grantedAt: string | null;
  source: string | null;
  text: string | null;
}

/** A lead ready to insert: E.164 phone, cleaned fields, zone candidates. */
export interface PreparedLead {
  phoneE164: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** Candidate zones (see PrepareOptions.deriveZones); [] means the campaign's zone at dial time. */
  timezones: string[];
  /** Free custom values as strings; a lead schema's fields typed (numbers, booleans, lists, ISO dates). */
  custom: Record<string, unknown>;
  /** The country the number belongs to (ISO alpha-2), as detected from it; null when the numbering plan names none. */
  country: string | null;
  /** The consent record given with the lead, if any. */
  consent?: LeadConsent | null;
}

export interface FieldProblem {
  field: keyof LeadInput | string;
  value?: string;
  reason: string;
}

/**
 * A lead to insert, with warnings about optional values left out (an invalid email), or every
 * problem that keeps the row from becoming a lead, in field order.
 */
export type Prepared = { ok: true; lead: PreparedLead; warnings: FieldProblem[] } | { ok: false; problems: FieldProblem[] };

export const LEAD_FIELDS = ['phone', 'firstName', 'lastName', 'email', 'timezone', 'custom', 'consent'] as const;
const MAX_TEXT = 200;
export const MAX_CUSTOM_KEYS = 100;
const MAX_CUSTOM_VALUE = 2000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * A refusal of a number written without a country code names the country it was read in, and how
 * to change that: the country is an assumption the caller may not know was made.
 */
function phoneReason(reason: string, raw: string, country: string, fromRow: boolean): string {
  if (raw.trim().startsWith('+')) return reason;
  const fix = `; add the country code or ${fromRow ? 'fix the country column' : 'set defaultCountry'}`;
  if (reason === 'phone is not a valid number') return `phone is not a valid ${country} number${fix}`;
  if (/^phone (is too short|is too long|has the wrong number of digits)$/.test(reason)) return `${reason} for a ${country} number${fix}`;
  return reason;
}

function shown(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}

function problem(field: string, value: unknown, reason: string): FieldProblem {
  const v = shown(value);
  return v === undefined ? { field, reason } : { field, value: v, reason };
}

type Text = { ok: true; text: string | null } | { ok: false; reason: string };

function optionalText(v: unknown, max = MAX_TEXT): Text {
  if (v === undefined || v === null) return { ok: true, text: null };
  if (typeof v !== 'string') return { ok: false, reason: 'must be a string' };
  const t = v.trim();
  if (t.length > max) return { ok: false, reason: `must be at most ${max} characters` };
  return { ok: true, text: t || null };
}

/**
 * Validates and normalizes one lead: the phone to E.164 in the campaign's default country, names
 * and email cleaned, the time zone kept when it is a valid IANA name, custom values as strings.
 * Every problem is reported, not only the first. An invalid optional email does not cost the lead:
 * it is left out with a warning (unless the row is refused anyway, then it is one of the problems).
 */
export function prepareLead(input: LeadInput, defaultCountry: string, opts: PrepareOptions = {}): Prepared {
  const problems: FieldProblem[] = [];
  const rawPhone = typeof input.phone === 'number' && Number.isFinite(input.phone) ? String(input.phone) : input.phone;
  const rowCountry = typeof input.country === 'string' && /^\s*[A-Za-z]{2}\s*$/.test(input.country) ? input.country.trim().toUpperCase() : undefined;
  let phone: { e164: string; country: string | undefined } | undefined;
  if (rawPhone === undefined || rawPhone === null || rawPhone === '') problems.push(problem('phone', undefined, 'phone is required'));
  else if (typeof rawPhone !== 'string') problems.push(problem('phone', rawPhone, 'phone must be a string'));
  else if (rawPhone.length > 64) problems.push(problem('phone', rawPhone, 'phone is too long'));
  else {
    const p = normalizePhone(rawPhone, rowCountry ?? defaultCountry);
    if (p.ok) phone = p;
    else problems.push(problem('phone', rawPhone, phoneReason(p.reason, rawPhone, rowCountry ?? defaultCountry.toUpperCase(), rowCountry !== undefined)));
  }

  const first = optionalText(input.firstName);
  if (!first.ok) problems.push(problem('firstName', input.firstName, `firstName ${first.reason}`));
  const last = optionalText(input.lastName);
  if (!last.ok) problems.push(problem('lastName', input.lastName, `lastName ${last.reason}`));
  const emailText = optionalText(input.email, 320);
  let email: string | null = emailText.ok ? emailText.text : null;
  let emailProblem: FieldProblem | undefined;
  if (!emailText.ok) emailProblem = problem('email', input.email, `email ${emailText.reason}`);
  else if (email !== null && !EMAIL.test(email)) emailProblem = problem('email', input.email, 'email is not an email address');
  if (emailProblem) {
    email = null;
    problems.push(emailProblem);
  }

  const custom = Object.create(null) as Record<string, unknown>; // a key named __proto__ is data too
  const schema = opts.schema ?? null;
  /** The raw values of the schema's fields (typed after the loop). */
  const typed = schema ? Object.create(null) as Record<string, unknown> : null;
  if (input.custom !== undefined && input.custom !== null) {
    if (typeof input.custom !== 'object' || Array.isArray(input.custom)) problems.push(problem('custom', input.custom, 'custom must be an object of strings'));
    else {
      const entries = Object.entries(input.custom as Record<string, unknown>);
      if (entries.length > MAX_CUSTOM_KEYS) problems.push(problem('custom', undefined, `custom may have at most ${MAX_CUSTOM_KEYS} keys`));
      else {
        for (const [k, v] of entries) {
          if (!k || k.length > 100) {
            problems.push(problem('custom', k, 'custom keys must be 1 to 100 characters'));
            continue;
          }
          if (typed) {
            const field = schema!.fieldFor(k);
            if (field) {
              typed[field.name] = v;
              continue;
            }
          }
          let text: string;
          if (typeof v === 'string') text = v;
          else if (typeof v === 'number' || typeof v === 'boolean') text = String(v);
          else {
            problems.push(problem(`custom.${k}`, v, `custom.${k} must be a string`));
            continue;
          }
          if (text.length > MAX_CUSTOM_VALUE) problems.push(problem(`custom.${k}`, undefined, `custom.${k} must be at most ${MAX_CUSTOM_VALUE} characters`));
          else if (opts.rejectCardNumbers && containsCardNumber(text)) {
            problems.push(problem(`custom.${k}`, undefined, `custom.${k} looks like a payment card number, which a PCI campaign does not accept`));
          } else custom[k] = text;
        }
      }
    }
  }

  const consent = prepareConsent(input.consent, opts.consentRequired ?? null, problems);

  if (schema && typed) {
    const issues: FieldIssue[] = [];
    schema.apply(typed, custom, issues);
    for (const i of issues) {
      // A PCI campaign never echoes a value that looks like a card number.
      const hidden = opts.rejectCardNumbers && typeof i.value === 'string' && containsCardNumber(i.value);
      problems.push(problem(`custom.${i.field}`, hidden ? undefined : i.value, i.reason));
    }
    if (opts.rejectCardNumbers) {
      for (const f of schema.fields) {
        const v = custom[f.name];
        if (typeof v === 'string' && containsCardNumber(v)) {
          problems.push(problem(`custom.${f.name}`, undefined, `custom.${f.name} looks like a payment card number, which a PCI campaign does not accept`));
        }
      }
    }
    if (schema.requireName && first.ok && last.ok && first.text === null && last.text === null) problems.push(problem('name', undefined, 'name is required'));
    if (schema.requireEmail && emailText.ok && emailText.text === null) problems.push(problem('email', undefined, 'email is required'));
  }

  // The email alone never costs the lead (unless the schema requires it): it is left out, and said so.
  const refusals = schema?.requireEmail ? problems : problems.filter((p) => p !== emailProblem);
  if (refusals.length || !phone) return { ok: false, problems };
  const warnings = emailProblem && !schema?.requireEmail ? [{ ...emailProblem, reason: `${emailProblem.reason}; the lead was kept without it` }] : [];

  const tz = optionalText(input.timezone, 64);
  let timezones: string[];
  if (opts.deriveZones) {
    const hint = (v: unknown): string | null => (typeof v === 'string' && v.length <= 64 ? v : null);
    timezones = leadTimezones({
      timezone: tz.ok ? tz.text : null, state: hint(input.state), postalCode: hint(input.postalCode),
      country: rowCountry ?? phone.country ?? defaultCountry, e164: phone.e164,
    }).zones;
  } else {
    timezones = tz.ok && tz.text !== null && isIanaZone(tz.text) ? [tz.text] : [];
  }
  return {
    ok: true,
    lead: { phoneE164: phone.e164, firstName: first.ok ? first.text : null, lastName: last.ok ? last.text : null, email, timezones, custom, country: phone.country ?? null, consent },
    warnings,
  };
}

/**
 * The consent record given with a lead ({type, grantedAt?, source?, text?}), checked; its problems are
 * added to `problems` (fields consent.type, consent.grantedAt, …). A campaign that requires consent
 * refuses a lead without a strong enough one (field consent.type, with the reason).
 */
function prepareConsent(v: unknown, required: ConsentType | null, problems: FieldProblem[]): LeadConsent | null {
  const before = problems.length;
  let consent: LeadConsent | null = null;
  if (v !== undefined && v !== null) {
    if (typeof v !== 'object' || Array.isArray(v)) {
      problems.push(problem('consent', v, 'consent must be an object {type, grantedAt?, source?, text?}'));
      return null;
    }
    const c = v as Record<string, unknown>;
    if (c.type === undefined || c.type === null || c.type === '') problems.push(problem('consent.type', undefined, 'consent.type is required with a consent record'));
    else if (!isConsentType(c.type)) problems.push(problem('consent.type', c.type, `consent.type must be one of ${CONSENT_TYPES.join(', ')}`));
    let grantedAt: string | null = null;
    if (c.grantedAt !== undefined && c.grantedAt !== null && c.grantedAt !== '') {
      const ms = typeof c.grantedAt === 'string' && /^\d{4}-\d{2}-\d{2}/.test(c.grantedAt.trim()) ? Date.parse(c.grantedAt.trim()) : NaN;
      if (Number.isNaN(ms)) problems.push(problem('consent.grantedAt', c.grantedAt, 'consent.grantedAt must be an ISO 8601 date or date-time'));
      else grantedAt = new Date(ms).toISOString();
    }
    const source = optionalText(c.source, 2000);
    if (!source.ok) problems.push(problem('consent.source', c.source, `consent.source ${source.reason}`));
    const text = optionalText(c.text, 10_000);
    if (!text.ok) problems.push(problem('consent.text', undefined, `consent.text ${text.reason}`));
    if (problems.length > before) return null;
    consent = { type: c.type as ConsentType, grantedAt, source: source.ok ? source.text : null, text: text.ok ? text.text : null };
  }
  const refusal = consentRefusal(consent ? { type: consent.type, revoked: false } : null, required);
  if (refusal) problems.push(problem('consent.type', consent?.type, refusal));
  return consent;
}
