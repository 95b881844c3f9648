import { AppError } from '@dialer/platform';
import { MAX_CUSTOM_KEYS } from '../leads/prepare-lead';

/** What a CSV column can map to; everything unmapped becomes a custom variable. */
export const IMPORT_FIELDS = [
  'phone', 'firstName', 'lastName', 'name', 'email', 'timezone', 'state', 'postalCode', 'country',
  'consentType', 'consentAt', 'consentSource', 'consentText',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

const ALIASES: Record<ImportField, readonly string[]> = {
  phone: ['phone', 'phone_number', 'phonenumber', 'phone_no', 'mobile', 'mobile_number', 'mobile_phone', 'cell', 'cell_phone',
    'cellphone', 'telephone', 'tel', 'contact', 'contact_number', 'number', 'msisdn'],
  firstName: ['first_name', 'firstname', 'first', 'given_name', 'forename'],
  lastName: ['last_name', 'lastname', 'last', 'surname', 'family_name'],
  name: ['name', 'full_name', 'fullname', 'contact_name'],
  email: ['email', 'e_mail', 'email_address', 'mail'],
  timezone: ['timezone', 'time_zone', 'tz'],
  state: ['state', 'province', 'region', 'state_code', 'state_province'],
  postalCode: ['postal_code', 'postcode', 'post_code', 'zip', 'zip_code', 'zipcode', 'postal'],
  country: ['country', 'country_code'],
  consentType: ['consent_type', 'consent'],
  consentAt: ['consent_at', 'consent_date', 'consented_at', 'consent_granted_at'],
  consentSource: ['consent_source'],
  consentText: ['consent_text', 'consent_version'],
};

/**
 * Names a lead schema's field may not take: every lead field and every column name that maps to one
 * (canonical), so a schema column is never read as a built-in one.
 */
export const BUILTIN_COLUMN_NAMES: readonly string[] = [...new Set([
  ...IMPORT_FIELDS.map((f) => canonicalHeader(f)), ...Object.values(ALIASES).flat(), 'first_name', 'last_name', 'postal_code', 'custom',
])];

/** "First Name", "first-name", " FIRST_NAME " → "first_name". */
export function canonicalHeader(header: string): string {
  return header.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * Header names made usable: trimmed, an empty one becomes `column_<n>` (1-based), a repeated one
 * gets `_2`, `_3`, … (skipping names the file already uses: `a,a_2,a` → `a,a_2,a_3`) so every
 * column keeps its own custom variable.
 */
export function cleanHeaders(raw: readonly string[]): string[] {
  const base = raw.map((h, i) => h.trim().slice(0, 100) || `column_${i + 1}`);
  const taken = new Set(base.map((b) => b.toLowerCase()));
  const seen = new Set<string>();
  return base.map((name) => {
    const key = name.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      return name;
    }
    let n = 2;
    while (taken.has(`${key}_${n}`)) n++;
    const renamed = `${name}_${n}`;
    taken.add(`${key}_${n}`);
    seen.add(`${key}_${n}`);
    return renamed;
  });
}

export interface ResolvedMapping {
  headers: string[];
  /** Field → column index. */
  fields: Partial<Record<ImportField, number>>;
  /** Columns kept as custom variables: index and variable name (the header). */
  custom: Array<{ index: number; name: string }>;
}

/** Detects the mapping from header names: the first header matching a field wins. */
export function suggestMapping(headers: readonly string[]): Partial<Record<ImportField, string>> {
  const out: Partial<Record<ImportField, string>> = {};
  for (const h of headers) {
    const c = canonicalHeader(h);
    const field = IMPORT_FIELDS.find((f) => ALIASES[f].includes(c));
    if (field && out[field] === undefined) out[field] = h;
  }
  return out;
}

/**
 * Resolves the mapping for these headers: the explicit one when given (field → header name, header
 * names matched case-insensitively), else the suggested one. Fails with 400 when the phone column is
 * missing or the explicit mapping names an unknown field or header.
 */
export function resolveMapping(headers: readonly string[], explicit?: Record<string, unknown> | null): ResolvedMapping {
  const byName = new Map<string, number>();
  headers.forEach((h, i) => {
    if (!byName.has(h.toLowerCase())) byName.set(h.toLowerCase(), i);
  });
  const fields: Partial<Record<ImportField, number>> = {};
  if (explicit && Object.keys(explicit).length > 0) {
    for (const [field, header] of Object.entries(explicit)) {
      if (!(IMPORT_FIELDS as readonly string[]).includes(field)) {
        throw new AppError('invalid_mapping', `"${field}" is not a lead field (fields: ${IMPORT_FIELDS.join(', ')})`, { status: 400, details: { field } });
      }
      if (header === null || header === undefined || header === '') continue;
      if (typeof header !== 'string') throw new AppError('invalid_mapping', `the mapping of "${field}" must be a column name`, { status: 400, details: { field } });
      const index = byName.get(header.trim().toLowerCase());
      if (index === undefined) {
        throw new AppError('invalid_mapping', `the mapping of "${field}" names the column "${header}", which the file does not have`, {
          status: 400, details: { field, column: header, headers },
        });
      }
      fields[field as ImportField] = index;
    }
  } else {
    for (const [field, header] of Object.entries(suggestMapping(headers)) as Array<[ImportField, string]>) {
      fields[field] = headers.indexOf(header);
    }
  }
  if (fields.phone === undefined) {
    throw new AppError('missing_phone_column',
      `the CSV has no phone column (expected one of ${ALIASES.phone.slice(0, 8).join(', ')}, … or a mapping {"phone": "<column>"}); headers found: ${headers.join(', ') || '(none)'}`,
      { status: 400, details: { headers: [...headers] } });
  }
  const used = new Set(Object.values(fields));
  const custom = headers.map((name, index) => ({ index, name })).filter((c) => !used.has(c.index));
  if (custom.length > MAX_CUSTOM_KEYS) {
    // Every row would be refused for it: refuse the file, saying why.
    throw new AppError('too_many_columns',
      `the file has ${custom.length} columns that are not lead fields; a lead keeps at most ${MAX_CUSTOM_KEYS} custom variables (remove columns or map them)`,
      { status: 400, details: { customColumns: custom.length, maxCustomColumns: MAX_CUSTOM_KEYS } });
  }
  return { headers: [...headers], fields, custom };
}

/** The mapping as the API shows it: field → header name. */
export function describeMapping(m: ResolvedMapping): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [f, i] of Object.entries(m.fields)) out[f] = m.headers[i]!;
  return out;
}
