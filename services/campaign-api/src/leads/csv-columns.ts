import type { LeadInput } from './prepare-lead';

type LeadColumn = Exclude<keyof LeadInput, 'custom'>;

const ALIASES: Record<LeadColumn, readonly string[]> = {
  phone: ['phone', 'phone_number', 'mobile', 'telephone', 'contact', 'number'],
  firstName: ['first_name', 'firstname'],
  lastName: ['last_name', 'lastname'],
  email: ['email'],
  timezone: ['timezone', 'time_zone', 'tz'],
};

/** "First Name", "first-name", " first_name " → "first_name". */
function canonical(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export interface ColumnMap {
  /** Lead field → CSV header it is read from. */
  fields: Partial<Record<LeadColumn, string>>;
  /** Headers kept as custom attributes (header → same name in custom). */
  custom: string[];
}

/**
 * Maps CSV headers onto lead fields by name (case-insensitive, trimmed); the first header that
 * matches a field wins, every other named column becomes a custom attribute.
 */
export function mapColumns(headers: readonly string[]): ColumnMap {
  const fields: Partial<Record<LeadColumn, string>> = {};
  const custom: string[] = [];
  for (const h of headers) {
    const c = canonical(h);
    const field = (Object.keys(ALIASES) as LeadColumn[]).find((f) => ALIASES[f].includes(c));
    if (field && fields[field] === undefined) fields[field] = h;
    else if (h.trim() !== '' && h !== '__parsed_extra') custom.push(h);
  }
  return { fields, custom };
}

/** One parsed CSV row (header → cell) as a lead input. */
export function rowToLead(row: Record<string, unknown>, map: ColumnMap): LeadInput {
  const input: LeadInput = {};
  for (const [field, header] of Object.entries(map.fields) as Array<[LeadColumn, string]>) {
    const v = row[header];
    if (typeof v === 'string' && v.trim() !== '') input[field] = v;
  }
  if (map.custom.length) {
    const custom: Record<string, string> = {};
    for (const h of map.custom) {
      const v = row[h];
      if (typeof v === 'string') custom[h.trim()] = v;
    }
    input.custom = custom;
  }
  return input;
}
