import { prepareLead, type LeadInput, type PreparedLead } from '../leads/prepare-lead';
import type { ResolvedMapping } from './column-mapping';
import type { CsvRecord } from './csv-parser';

/** Longest field the parser keeps; longer ones are cut off and the row is rejected. */
export const MAX_FIELD_CHARS = 10_000;
/** Most fields a record may have (past the header's count the row is rejected anyway). */
export const MAX_FIELDS = 1_000;

export interface RowProblem {
  column: string;
  value?: string;
  reason: string;
}

export type PreparedRow = { ok: true; lead: PreparedLead } | { ok: false; problem: RowProblem };

export interface PrepareContext {
  mapping: ResolvedMapping;
  defaultCountry: string;
}

/** One data record with its 1-based row number (the header and blank lines are not counted). */
export interface NumberedRecord {
  row: number;
  rec: CsvRecord;
}

function shown(v: string): string {
  return v.length > 100 ? `${v.slice(0, 100)}…` : v;
}

function cell(rec: CsvRecord, index: number | undefined): string | undefined {
  if (index === undefined) return undefined;
  const v = rec.fields[index];
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** Maps one record to a lead and validates it: field counts, cut-off values, phone, names, zones. */
export function prepareRecord(rec: CsvRecord, ctx: PrepareContext): PreparedRow {
  const m = ctx.mapping;
  const width = m.headers.length;
  if (rec.unterminatedQuote) {
    return { ok: false, problem: { column: '', reason: 'a quoted field is never closed (the file ends inside it)' } };
  }
  if (rec.tooManyFields || rec.fields.length > width) {
    const extra = rec.fields.slice(width);
    if (rec.tooManyFields || extra.some((f) => f.trim() !== '')) {
      return { ok: false, problem: { column: '', reason: `the row has ${rec.tooManyFields ? 'more than ' : ''}${rec.fields.length} fields, the header has ${width}` } };
    }
  } else if (rec.fields.length < width) {
    return { ok: false, problem: { column: '', reason: `the row has ${rec.fields.length} fields, the header has ${width}` } };
  }
  if (rec.cutField !== undefined) {
    return {
      ok: false,
      problem: { column: m.headers[rec.cutField] ?? '', value: shown(rec.fields[rec.cutField] ?? ''), reason: `the value is longer than ${MAX_FIELD_CHARS} characters` },
    };
  }
  const f = m.fields;
  const input: LeadInput = {
    phone: rec.fields[f.phone!] ?? '',
    firstName: cell(rec, f.firstName),
    lastName: cell(rec, f.lastName),
    email: cell(rec, f.email),
    timezone: cell(rec, f.timezone),
    state: cell(rec, f.state),
    postalCode: cell(rec, f.postalCode),
    country: cell(rec, f.country),
  };
  const full = cell(rec, f.name)?.trim();
  if (full && input.firstName === undefined && input.lastName === undefined) {
    const space = full.search(/\s/);
    input.firstName = space < 0 ? full : full.slice(0, space);
    if (space >= 0) input.lastName = full.slice(space + 1).trim();
  }
  if (m.custom.length) {
    const custom: Record<string, string> = {};
    for (const c of m.custom) custom[c.name] = rec.fields[c.index] ?? '';
    input.custom = custom;
  }
  const p = prepareLead(input, ctx.defaultCountry, { deriveZones: true });
  if (p.ok) return p;
  const field = p.problem.field;
  let column: string;
  if (field.startsWith('custom.')) column = field.slice('custom.'.length);
  else if ((field === 'firstName' || field === 'lastName') && f[field] === undefined && f.name !== undefined) column = m.headers[f.name]!;
  else {
    const idx = (f as Record<string, number | undefined>)[field];
    column = idx !== undefined ? m.headers[idx]! : field;
  }
  return { ok: false, problem: { column, ...(p.problem.value !== undefined ? { value: p.problem.value } : {}), reason: p.problem.reason } };
}

/** COPY text format: \N for null; backslash, tab, newline and carriage return escaped. */
function copyText(v: string | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
}

function pgArray(zones: readonly string[]): string {
  return `{${zones.map((z) => `"${z.replace(/["\\]/g, '')}"`).join(',')}}`;
}

/** Columns of the staging table, in COPY order. */
export const STAGING_COLUMNS = [
  'row_no', 'phone_e164', 'raw_phone', 'err_column', 'err_value', 'err_reason', 'first_name', 'last_name', 'email', 'timezones', 'custom',
] as const;

export interface PreparedBatch {
  /** COPY text (one line per record) for the staging table. */
  copy: string;
  rows: number;
  firstRow: number;
  lastRow: number;
}

/**
 * Prepares a batch for the staging table: each record becomes a line, a lead's (phone, names,
 * zones, custom) or a rejected row's (column, value, reason). Pure: runs in worker threads.
 */
export function prepareBatch(records: readonly NumberedRecord[], ctx: PrepareContext): PreparedBatch {
  const lines: string[] = [];
  const phoneIdx = ctx.mapping.fields.phone!;
  for (const { row, rec } of records) {
    const p = prepareRecord(rec, ctx);
    const raw = rec.fields[phoneIdx];
    const rawPhone = raw === undefined ? null : shown(raw);
    if (p.ok) {
      const l = p.lead;
      lines.push([String(row), l.phoneE164, copyText(rawPhone), '\\N', '\\N', '\\N', copyText(l.firstName), copyText(l.lastName), copyText(l.email),
        copyText(pgArray(l.timezones)), copyText(JSON.stringify(l.custom))].join('\t'));
    } else {
      const pr = p.problem;
      lines.push([String(row), '\\N', copyText(rawPhone), copyText(pr.column), copyText(pr.value ?? null), copyText(pr.reason),
        '\\N', '\\N', '\\N', '\\N', '\\N'].join('\t'));
    }
  }
  lines.push('');
  return {
    copy: lines.join('\n'), rows: records.length, firstRow: records[0]?.row ?? 0, lastRow: records[records.length - 1]?.row ?? 0,
  };
}
