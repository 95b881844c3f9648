import { canonicalName, compileLeadSchema, type CompiledLeadSchema, type ConsentType, type LeadSchema } from '@dialer/domain';
import { prepareLead, type FieldProblem, type LeadInput, type PreparedLead } from '../leads/prepare-lead';
import type { ResolvedMapping } from './column-mapping';
import type { CsvRecord } from './csv-parser';

/** Longest field the parser keeps; longer ones are cut off and the row is rejected. */
export const MAX_FIELD_CHARS = 10_000;
/** Most fields a record may have (past the header's count the row is rejected anyway). */
export const MAX_FIELDS = 1_000;
/**
 * A batch is cut at this much COPY text (or of parsed fields, for worker threads) even before it
 * has IMPORT_BATCH_ROWS rows: rows with long custom values cannot make a batch large.
 */
export const MAX_BATCH_CHARS = 8 * 1024 * 1024;

export interface RowProblem {
  column: string;
  value?: string;
  reason: string;
}

/** A lead (with a warning when an optional value was left out), or the row's problems as one report line. */
export type PreparedRow = { ok: true; lead: PreparedLead; warning?: RowProblem } | { ok: false; problem: RowProblem };

export interface PrepareContext {
  mapping: ResolvedMapping;
  defaultCountry: string;
  /** PCI campaigns: a row whose custom field holds a card number is rejected. */
  rejectCardNumbers?: boolean;
  /** The campaign's required consent: a row without it (consent_type column) is refused. */
  consentRequired?: ConsentType | null;
  /** The campaign's lead schema as the import started (plain data: it crosses to worker threads). */
  leadSchema?: LeadSchema | null;
}

/** A lead schema bound to a file's columns: compiled once per import (per batch on a worker thread). */
export interface SchemaBinding {
  compiled: CompiledLeadSchema;
  /** Per custom column (mapping.custom order): the key its value takes in custom (the field's name, else the header). */
  keys: string[];
  /** Field name → the header of its column (report lines name the file's column). */
  headerOf: Map<string, string>;
  /** Fields of the schema no column maps to. */
  missing: string[];
}

const bindings = new WeakMap<PrepareContext, SchemaBinding>();

/** Binds the schema to the mapping's custom columns (a column matches a field by canonical name). */
export function bindSchema(schema: LeadSchema, mapping: ResolvedMapping): SchemaBinding {
  const compiled = compileLeadSchema(schema);
  const headerOf = new Map<string, string>();
  const keys = mapping.custom.map((c) => {
    const f = compiled.byCanonical.get(canonicalName(c.name));
    if (!f || headerOf.has(f.name)) return c.name;
    headerOf.set(f.name, c.name);
    return f.name;
  });
  return { compiled, keys, headerOf, missing: compiled.fields.filter((f) => !headerOf.has(f.name)).map((f) => f.name) };
}

/** The context's binding, built on first use (once per import inline). */
function bindingOf(ctx: PrepareContext): SchemaBinding | null {
  if (!ctx.leadSchema) return null;
  let b = bindings.get(ctx);
  if (!b) {
    b = bindSchema(ctx.leadSchema, ctx.mapping);
    bindings.set(ctx, b);
  }
  return b;
}

/** Consent problems (prepareLead's fields) → the import field whose column they name, and that column's documented name. */
const CONSENT_COLUMNS: Record<string, { field: 'consentType' | 'consentAt' | 'consentSource' | 'consentText'; column: string }> = {
  'consent.type': { field: 'consentType', column: 'consent_type' },
  'consent.grantedAt': { field: 'consentAt', column: 'consent_at' },
  'consent.source': { field: 'consentSource', column: 'consent_source' },
  'consent.text': { field: 'consentText', column: 'consent_text' },
};

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
  const consentType = cell(rec, f.consentType);
  const consentAt = cell(rec, f.consentAt);
  const consentSource = cell(rec, f.consentSource);
  const consentText = cell(rec, f.consentText);
  if (consentType !== undefined || consentAt !== undefined || consentSource !== undefined || consentText !== undefined) {
    // A CSV's consent comes from the file: its source says so unless the row names one.
    input.consent = { type: consentType?.trim(), grantedAt: consentAt, source: consentSource ?? 'import', text: consentText };
  }
  const bound = ctx.leadSchema ? bindingOf(ctx) : null;
  if (m.custom.length) {
    const custom = Object.create(null) as Record<string, string>; // a column named __proto__ is data too
    if (bound) {
      const keys = bound.keys;
      for (let i = 0; i < m.custom.length; i++) custom[keys[i]!] = rec.fields[m.custom[i]!.index] ?? '';
    } else for (const c of m.custom) custom[c.name] = rec.fields[c.index] ?? '';
    input.custom = custom;
  }
  const p = prepareLead(input, ctx.defaultCountry, {
    deriveZones: true, rejectCardNumbers: ctx.rejectCardNumbers ?? false, schema: bound?.compiled ?? null, consentRequired: ctx.consentRequired ?? null,
  });
  const columnOf = (field: string): string => {
    const consent = CONSENT_COLUMNS[field];
    if (consent) return f[consent.field] !== undefined ? m.headers[f[consent.field]!]! : consent.column;
    if (field.startsWith('custom.')) {
      const key = field.slice('custom.'.length);
      return bound?.headerOf.get(key) ?? key;
    }
    if ((field === 'firstName' || field === 'lastName') && f[field] === undefined && f.name !== undefined) return m.headers[f.name]!;
    const idx = (f as Record<string, number | undefined>)[field];
    return idx !== undefined ? m.headers[idx]! : field;
  };
  /** Several problems make one report line: their columns and reasons joined, the first one's value. */
  const line = (list: readonly FieldProblem[]): RowProblem => {
    const value = list[0]?.value;
    return { column: [...new Set(list.map((x) => columnOf(x.field)))].join(', '), ...(value !== undefined ? { value } : {}), reason: list.map((x) => x.reason).join('; ') };
  };
  if (p.ok) return p.warnings.length ? { ok: true, lead: p.lead, warning: line(p.warnings) } : { ok: true, lead: p.lead };
  return { ok: false, problem: line(p.problems) };
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
  'first_row', 'warn_column', 'warn_value', 'warn_reason', 'consent',
] as const;

export interface PreparedBatch {
  /**
   * COPY text for the staging table (one line per record), in pieces of a few hundred lines: each
   * is written to the connection as it is (no join into one big string, no multi-MB buffers).
   */
  copy: string[];
  rows: number;
  firstRow: number;
  lastRow: number;
  /** Valid numbers per detected country (ISO alpha-2; "unknown" when the plan names none), duplicates and DNC included. */
  countries: Record<string, number>;
}

const PIECE_LINES = 256;

/**
 * Builds a batch for the staging table record by record, as the file is parsed (nothing but the
 * COPY text is kept): each record becomes a line, a lead's (phone, names, zones, custom) or a
 * rejected row's (column, value, reason). A number seen earlier in the same batch carries that
 * row's number in `first_row` (the batch statement reports it as a duplicate without sorting).
 */
export class BatchBuilder {
  /** Finished pieces of COPY text, each the flat join of up to PIECE_LINES lines. */
  private readonly pieces: string[] = [];
  private lines: string[] = [];
  private count = 0;
  private length = 0;
  private readonly firsts = new Map<string, number>();
  private readonly phoneIdx: number;
  private firstRow = 0;
  private lastRow = 0;
  private readonly countries: Record<string, number> = {};

  constructor(private readonly ctx: PrepareContext) {
    this.phoneIdx = ctx.mapping.fields.phone!;
  }

  get rows(): number {
    return this.count;
  }

  /** Characters of COPY text so far. */
  get chars(): number {
    return this.length;
  }

  add(row: number, rec: CsvRecord): void {
    if (this.count++ === 0) this.firstRow = row;
    this.lastRow = row;
    const p = prepareRecord(rec, this.ctx);
    const raw = rec.fields[this.phoneIdx];
    const rawPhone = raw === undefined ? null : shown(raw);
    let line: string;
    if (p.ok) {
      const l = p.lead;
      const country = l.country ?? 'unknown';
      this.countries[country] = (this.countries[country] ?? 0) + 1;
      const first = this.firsts.get(l.phoneE164);
      if (first === undefined) this.firsts.set(l.phoneE164, row);
      const w = p.warning;
      line = `${row}\t${l.phoneE164}\t${copyText(rawPhone)}\t\\N\t\\N\t\\N\t${copyText(l.firstName)}\t${copyText(l.lastName)}\t${copyText(l.email)}\t${
        copyText(pgArray(l.timezones))}\t${copyText(JSON.stringify(l.custom))}\t${first === undefined ? '\\N' : first}\t${
        w ? `${copyText(w.column)}\t${copyText(w.value ?? null)}\t${copyText(w.reason)}` : '\\N\t\\N\t\\N'}\t${
        l.consent ? copyText(JSON.stringify(l.consent)) : '\\N'}`;
    } else {
      const pr = p.problem;
      line = `${row}\t\\N\t${copyText(rawPhone)}\t${copyText(pr.column)}\t${copyText(pr.value ?? null)}\t${copyText(pr.reason)}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N`;
    }
    this.lines.push(line);
    this.length += line.length + 1;
    // Flattening often lets the parsed fields (and the file chunk they point into) die young
    // instead of being promoted with the batch: it keeps the old generation, and the RSS, small.
    if (this.lines.length >= PIECE_LINES) this.flush();
  }

  finish(): PreparedBatch {
    this.flush();
    return { copy: this.pieces, rows: this.count, firstRow: this.firstRow, lastRow: this.lastRow, countries: this.countries };
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    this.lines.push('');
    this.pieces.push(this.lines.join('\n'));
    this.lines = [];
  }
}

/** Characters held by a parsed record (what a batch of records sent to a worker weighs). */
export function csvRecordChars(rec: CsvRecord): number {
  let n = 0;
  for (const f of rec.fields) n += f.length;
  return n;
}

/** Prepares a whole batch at once (worker threads). Pure. */
export function prepareBatch(records: readonly NumberedRecord[], ctx: PrepareContext): PreparedBatch {
  const b = new BatchBuilder(ctx);
  for (const { row, rec } of records) b.add(row, rec);
  return b.finish();
}
