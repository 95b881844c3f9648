/**
 * A campaign's lead schema: the typed fields its leads carry in `custom`. Pure: the schema is checked
 * (`checkLeadSchema`), compiled once into closures (`compileLeadSchema`) and the compiled form
 * validates and types each lead's values without allocating validators per row.
 */

export const LEAD_FIELD_TYPES = ['text', 'number', 'integer', 'boolean', 'date', 'email', 'url', 'enum', 'tags'] as const;
export type LeadFieldType = (typeof LEAD_FIELD_TYPES)[number];

/** Built-in lead fields a schema may make required (phone always is). */
export const REQUIRABLE_BUILTINS = ['name', 'email'] as const;
export type RequirableBuiltin = (typeof REQUIRABLE_BUILTINS)[number];

export interface LeadFieldSpec {
  /** The key in `custom`, the CSV column (matched ignoring case, spaces and punctuation) and the template variable. */
  name: string;
  type: LeadFieldType;
  required?: boolean;
  /** number/integer: the value's bounds; tags: the number of items. */
  min?: number;
  max?: number;
  /** number/integer: the value must be greater (smaller) than this. */
  exclusiveMin?: number;
  exclusiveMax?: number;
  /** text/email/url and each tag: length bounds, in characters. */
  minLength?: number;
  maxLength?: number;
  /** text/email/url and each tag: a regular expression the value must match (unanchored, as in JSON Schema). */
  pattern?: string;
  /** enum: the allowed values (matched ignoring case; stored as declared). */
  values?: string[];
  /** tags: what separates the items in a CSV cell (default ","). */
  separator?: string;
  /** Trim surrounding whitespace first (default true). */
  trim?: boolean;
  /** text/enum/email/url/tags: change the case before checking. */
  case?: 'upper' | 'lower';
  /** Taken when the value is absent or empty; must be valid for the field itself. */
  default?: unknown;
}

export interface LeadSchema {
  fields: LeadFieldSpec[];
  /** Built-in fields that become required: `name` (a first or last name), `email`. */
  require?: RequirableBuiltin[];
}

/** A typed value as stored in `custom` (JSON). */
export type LeadValue = string | number | boolean | string[];

export interface SchemaProblem {
  /** Where in the schema, e.g. `fields[2].max`. */
  path: string;
  reason: string;
}

export const MAX_SCHEMA_FIELDS = 100;
/** Longest text value (text, email, url, a tag) of a field without maxLength: as a free custom value. */
export const MAX_TEXT_CHARS = 2000;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const KEYS = new Set(['name', 'type', 'required', 'min', 'max', 'exclusiveMin', 'exclusiveMax', 'minLength', 'maxLength', 'pattern', 'values',
  'separator', 'trim', 'case', 'default']);
const NUMERIC: ReadonlySet<LeadFieldType> = new Set(['number', 'integer']);
const TEXTUAL: ReadonlySet<LeadFieldType> = new Set(['text', 'email', 'url', 'tags']);
const CASED: ReadonlySet<LeadFieldType> = new Set(['text', 'enum', 'email', 'url', 'tags']);

/** "Property Type", "property-type", " PROPERTY_TYPE " → "property_type": how columns and field names are matched. */
export function canonicalName(s: string): string {
  return s.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a schema as sent: every problem with its path (unknown type or key, min > max, a bad
 * regular expression, a default its own field refuses, duplicate names, names taken by built-in
 * columns — `reserved`, canonical). Answers the schema in its stored form (defaults typed) or the problems.
 */
export function checkLeadSchema(raw: unknown, reserved: readonly string[]): { ok: true; schema: LeadSchema } | { ok: false; problems: SchemaProblem[] } {
  const problems: SchemaProblem[] = [];
  const add = (path: string, reason: string): void => {
    problems.push({ path, reason });
  };
  if (!isObject(raw)) return { ok: false, problems: [{ path: '', reason: 'must be an object {fields: [...], require?: [...]}' }] };
  for (const k of Object.keys(raw)) if (k !== 'fields' && k !== 'require') add(k, `unknown key "${k}" (keys: fields, require)`);
  const require: RequirableBuiltin[] = [];
  if (raw.require !== undefined) {
    if (!Array.isArray(raw.require)) add('require', `must be a list of built-in fields (${REQUIRABLE_BUILTINS.join(', ')})`);
    else {
      raw.require.forEach((r, i) => {
        if (!(REQUIRABLE_BUILTINS as readonly unknown[]).includes(r)) add(`require[${i}]`, `"${String(r)}" is not a built-in field a schema can require (${REQUIRABLE_BUILTINS.join(', ')}; phone always is)`);
        else if (!require.includes(r as RequirableBuiltin)) require.push(r as RequirableBuiltin);
      });
    }
  }
  if (!Array.isArray(raw.fields)) {
    add('fields', 'must be a list of fields');
    return { ok: false, problems };
  }
  if (raw.fields.length > MAX_SCHEMA_FIELDS) add('fields', `at most ${MAX_SCHEMA_FIELDS} fields`);
  const reservedSet = new Set(reserved);
  const seen = new Map<string, number>();
  const fields: LeadFieldSpec[] = [];
  raw.fields.forEach((f, i) => {
    const at = `fields[${i}]`;
    const before = problems.length;
    if (!isObject(f)) {
      add(at, 'must be an object {name, type, ...}');
      return;
    }
    for (const k of Object.keys(f)) if (!KEYS.has(k)) add(`${at}.${k}`, `unknown key "${k}"`);
    const name = f.name;
    if (typeof name !== 'string' || !NAME.test(name)) {
      add(`${at}.name`, 'must be 1 to 63 letters, digits or _ starting with a letter or _ (usable as {{name}} in scripts)');
    } else {
      const canon = canonicalName(name);
      if (reservedSet.has(canon)) add(`${at}.name`, `"${name}" is a built-in lead column (phone, names, email, timezone, state, postal code, country and their usual spellings); use another name`);
      const dup = seen.get(canon);
      if (dup !== undefined) add(`${at}.name`, `"${name}" is declared twice (also fields[${dup}])`);
      else seen.set(canon, i);
    }
    const type = f.type as LeadFieldType;
    if (!(LEAD_FIELD_TYPES as readonly unknown[]).includes(f.type)) {
      add(`${at}.type`, `unknown type "${String(f.type)}" (types: ${LEAD_FIELD_TYPES.join(', ')})`);
      return;
    }
    const num = (k: 'min' | 'max' | 'exclusiveMin' | 'exclusiveMax' | 'minLength' | 'maxLength', integer: boolean): void => {
      const v = f[k];
      if (v === undefined) return;
      if (typeof v !== 'number' || !Number.isFinite(v) || (integer && (!Number.isInteger(v) || v < 0))) {
        add(`${at}.${k}`, integer ? 'must be a whole number ≥ 0' : 'must be a number');
      }
    };
    num('min', false);
    num('max', false);
    num('exclusiveMin', false);
    num('exclusiveMax', false);
    num('minLength', true);
    num('maxLength', true);
    const onlyFor = (k: string, ok: boolean, which: string): void => {
      if (f[k] !== undefined && !ok) add(`${at}.${k}`, `${k} applies to ${which} fields, not ${type}`);
    };
    onlyFor('min', NUMERIC.has(type) || type === 'tags', 'number, integer and tags');
    onlyFor('max', NUMERIC.has(type) || type === 'tags', 'number, integer and tags');
    onlyFor('exclusiveMin', NUMERIC.has(type), 'number and integer');
    onlyFor('exclusiveMax', NUMERIC.has(type), 'number and integer');
    onlyFor('minLength', TEXTUAL.has(type), 'text, email, url and tags');
    onlyFor('maxLength', TEXTUAL.has(type), 'text, email, url and tags');
    onlyFor('pattern', TEXTUAL.has(type), 'text, email, url and tags');
    onlyFor('values', type === 'enum', 'enum');
    onlyFor('separator', type === 'tags', 'tags');
    onlyFor('case', CASED.has(type), 'text, enum, email, url and tags');
    const lo = typeof f.min === 'number' ? f.min : typeof f.exclusiveMin === 'number' ? f.exclusiveMin : undefined;
    const hi = typeof f.max === 'number' ? f.max : typeof f.exclusiveMax === 'number' ? f.exclusiveMax : undefined;
    if (lo !== undefined && hi !== undefined && lo > hi) add(`${at}.min`, `the minimum (${lo}) is greater than the maximum (${hi})`);
    if (typeof f.minLength === 'number' && typeof f.maxLength === 'number' && f.minLength > f.maxLength) {
      add(`${at}.minLength`, `minLength (${f.minLength}) is greater than maxLength (${f.maxLength})`);
    }
    if (f.pattern !== undefined) {
      if (typeof f.pattern !== 'string' || f.pattern.length > 500) add(`${at}.pattern`, 'must be a regular expression of at most 500 characters');
      else {
        try {
          new RegExp(f.pattern, 'u');
        } catch (err) {
          add(`${at}.pattern`, `is not a valid regular expression: ${(err as Error).message}`);
        }
      }
    }
    if (type === 'enum') {
      const v = f.values;
      if (!Array.isArray(v) || v.length === 0 || v.length > 200 || !v.every((x) => typeof x === 'string' && x.trim() !== '' && x.length <= 200)) {
        add(`${at}.values`, 'an enum needs values: a list of 1 to 200 non-empty strings');
      } else {
        const lower = v.map((x) => (x as string).trim().toLowerCase());
        if (new Set(lower).size !== lower.length) add(`${at}.values`, 'the values repeat (they are matched ignoring case)');
      }
    }
    if (f.separator !== undefined && (typeof f.separator !== 'string' || f.separator.length < 1 || f.separator.length > 5)) {
      add(`${at}.separator`, 'must be 1 to 5 characters');
    }
    if (f.trim !== undefined && typeof f.trim !== 'boolean') add(`${at}.trim`, 'must be true or false');
    if (f.required !== undefined && typeof f.required !== 'boolean') add(`${at}.required`, 'must be true or false');
    if (f.case !== undefined && f.case !== 'upper' && f.case !== 'lower') add(`${at}.case`, 'must be "upper" or "lower"');
    if (problems.length > before) return;
    const spec: LeadFieldSpec = { ...(f as unknown as LeadFieldSpec) };
    if (type === 'enum') spec.values = (f.values as string[]).map((x) => x.trim());
    if (f.default !== undefined && f.default !== null) {
      const r = compileField({ ...spec, default: undefined }).parse(f.default);
      if (!r.ok || r.value === undefined) add(`${at}.default`, `the default is not valid for the field itself: ${r.ok ? 'it is empty' : r.reason}`);
      else spec.default = r.value;
    } else delete spec.default;
    fields.push(spec);
  });
  if (problems.length) return { ok: false, problems };
  return { ok: true, schema: require.length ? { fields, require } : { fields } };
}

// ---- compiled form ----

type Parsed = { ok: true; value: LeadValue | undefined } | { ok: false; reason: string };

/** One field compiled: `parse` turns a raw value (CSV text or JSON) into its typed value; undefined = absent. */
export interface CompiledField {
  readonly name: string;
  readonly type: LeadFieldType;
  readonly required: boolean;
  readonly spec: LeadFieldSpec;
  parse(raw: unknown): Parsed;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
/** 5,000,000 or Indian grouping 50,00,000: commas between digit groups are dropped. */
const GROUPED = /^[+-]?\d{1,3}(,\d{2,3})+(\.\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Compiles one field's parser: its checks are closures built here, once. */
export function compileField(spec: LeadFieldSpec): CompiledField {
  const { name, type } = spec;
  const trim = spec.trim !== false;
  const caseOf = spec.case === 'upper' ? (s: string) => s.toUpperCase() : spec.case === 'lower' ? (s: string) => s.toLowerCase() : (s: string) => s;
  const regex = spec.pattern !== undefined ? new RegExp(spec.pattern, 'u') : undefined;
  const { min, max, exclusiveMin, exclusiveMax, minLength } = spec;
  // A text value is at most as long as a free custom value unless the field says otherwise.
  const maxLength = spec.maxLength ?? MAX_TEXT_CHARS;
  const fallback = spec.default as LeadValue | undefined;
  const absent: Parsed = { ok: true, value: fallback };

  /** Length and pattern of one string (text, email, url, a tag); null when fine. */
  const textCheck = (s: string, what: string): string | null => {
    if (minLength !== undefined && s.length < minLength) return `${what} must be at least ${minLength} characters`;
    if (s.length > maxLength) return `${what} must be at most ${maxLength} characters`;
    if (regex && !regex.test(s)) return `${what} does not match the pattern ${spec.pattern}`;
    return null;
  };
  const bounds = (n: number): string | null => {
    if (min !== undefined && n < min) return `${name} must be at least ${min}`;
    if (exclusiveMin !== undefined && n <= exclusiveMin) return `${name} must be greater than ${exclusiveMin}`;
    if (max !== undefined && n > max) return `${name} must be at most ${max}`;
    if (exclusiveMax !== undefined && n >= exclusiveMax) return `${name} must be less than ${exclusiveMax}`;
    return null;
  };
  /** A raw value as text: strings trimmed (when asked), numbers and booleans written out; null for other JSON. */
  const asText = (raw: unknown): string | null => {
    if (typeof raw === 'string') return trim ? raw.trim() : raw;
    if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
    if (typeof raw === 'boolean') return String(raw);
    return null;
  };

  let parse: (raw: unknown) => Parsed;
  switch (type) {
    case 'number':
    case 'integer':
      parse = (raw) => {
        let n: number;
        if (typeof raw === 'number') n = raw;
        else if (typeof raw === 'string') {
          const s = raw.trim();
          if (s === '') return absent;
          if (NUMBER.test(s)) n = Number(s);
          else if (GROUPED.test(s)) n = Number(s.replace(/,/g, ''));
          else return { ok: false, reason: `${name} must be ${type === 'integer' ? 'a whole number' : 'a number'}` };
        } else return { ok: false, reason: `${name} must be ${type === 'integer' ? 'a whole number' : 'a number'}` };
        if (!Number.isFinite(n)) return { ok: false, reason: `${name} must be a finite number` };
        if (type === 'integer' && !Number.isInteger(n)) return { ok: false, reason: `${name} must be a whole number` };
        const b = bounds(n);
        return b ? { ok: false, reason: b } : { ok: true, value: n };
      };
      break;
    case 'boolean':
      parse = (raw) => {
        if (typeof raw === 'boolean') return { ok: true, value: raw };
        const s = asText(raw);
        if (s === '') return absent;
        const l = s?.toLowerCase();
        if (l !== undefined && TRUE.has(l)) return { ok: true, value: true };
        if (l !== undefined && FALSE.has(l)) return { ok: true, value: false };
        return { ok: false, reason: `${name} must be true or false (yes/no, 1/0)` };
      };
      break;
    case 'date':
      parse = (raw) => {
        const s = typeof raw === 'string' ? raw.trim() : null;
        if (s === '') return absent;
        if (s !== null) {
          const d = DATE.exec(s);
          if (d) {
            const t = new Date(`${s}T00:00:00Z`);
            if (!Number.isNaN(t.getTime()) && t.getUTCDate() === Number(d[3]) && t.getUTCMonth() + 1 === Number(d[2])) return { ok: true, value: s };
          } else if (DATE_TIME.test(s)) {
            const t = new Date(s);
            if (!Number.isNaN(t.getTime())) return { ok: true, value: t.toISOString() };
          }
        }
        return { ok: false, reason: `${name} must be a date YYYY-MM-DD (or an ISO 8601 date and time with its offset)` };
      };
      break;
    case 'enum': {
      const byLower = new Map((spec.values ?? []).map((v) => [v.toLowerCase(), v]));
      const list = (spec.values ?? []).join(', ');
      parse = (raw) => {
        const s = asText(raw);
        if (s === '') return absent;
        const v = s === null ? undefined : byLower.get(caseOf(s).toLowerCase());
        return v !== undefined ? { ok: true, value: v } : { ok: false, reason: `${name} must be one of ${list}` };
      };
      break;
    }
    case 'tags': {
      const sep = spec.separator ?? ',';
      parse = (raw) => {
        let items: unknown[];
        if (Array.isArray(raw)) items = raw;
        else if (typeof raw === 'string') items = raw.split(sep);
        else return { ok: false, reason: `${name} must be a list (items separated by "${sep}")` };
        const out: string[] = [];
        for (const item of items) {
          if (typeof item !== 'string') return { ok: false, reason: `${name} must be a list of strings` };
          const t = caseOf(item.trim());
          if (t === '' || out.includes(t)) continue;
          const bad = textCheck(t, `each item of ${name}`);
          if (bad) return { ok: false, reason: `${bad} ("${show(t)}")` };
          out.push(t);
        }
        if (out.length === 0) return absent;
        if (min !== undefined && out.length < min) return { ok: false, reason: `${name} must have at least ${min} items` };
        if (max !== undefined && out.length > max) return { ok: false, reason: `${name} must have at most ${max} items` };
        return { ok: true, value: out };
      };
      break;
    }
    default: // text, email, url
      parse = (raw) => {
        const t = asText(raw);
        if (t === '') return absent;
        if (t === null) return { ok: false, reason: `${name} must be text` };
        const s = caseOf(t);
        if (type === 'email' && !EMAIL.test(s)) return { ok: false, reason: `${name} is not an email address` };
        if (type === 'url') {
          let u: URL | undefined;
          try {
            u = new URL(s);
          } catch {
            u = undefined;
          }
          if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) return { ok: false, reason: `${name} is not an http(s) URL` };
        }
        const bad = textCheck(s, name);
        return bad ? { ok: false, reason: bad } : { ok: true, value: s };
      };
  }
  return { name, type, required: spec.required === true, spec, parse };
}

export interface FieldIssue {
  /** The field's name. */
  field: string;
  value?: unknown;
  reason: string;
}

/**
 * A schema compiled once (per import, per request): `apply` types the schema's fields of one lead's
 * raw values into `out` and collects every problem. Keys the schema does not declare are left alone.
 */
export interface CompiledLeadSchema {
  readonly schema: LeadSchema;
  readonly fields: readonly CompiledField[];
  /** Canonical name → field (to match CSV columns and JSON keys). */
  readonly byCanonical: ReadonlyMap<string, CompiledField>;
  readonly requireName: boolean;
  readonly requireEmail: boolean;
  /** The field a custom key (JSON key or CSV column) feeds: by name, else by canonical name; remembered per key. */
  fieldFor(key: string): CompiledField | undefined;
  /** Reads `raw[field.name]` for every field: typed value into `out`, problems into `issues`. */
  apply(raw: Readonly<Record<string, unknown>>, out: Record<string, unknown>, issues: FieldIssue[]): void;
}

export function compileLeadSchema(schema: LeadSchema): CompiledLeadSchema {
  const fields = schema.fields.map(compileField);
  const byCanonical = new Map(fields.map((f) => [canonicalName(f.name), f]));
  /** Key → field (null: none), so a row's keys are matched without a regular expression each time. */
  const seen = new Map<string, CompiledField | null>(fields.map((f) => [f.name, f]));
  return {
    schema, fields, byCanonical,
    fieldFor(key) {
      let f = seen.get(key);
      if (f === undefined) {
        f = byCanonical.get(canonicalName(key)) ?? null;
        if (seen.size < 10_000) seen.set(key, f);
      }
      return f ?? undefined;
    },
    requireName: schema.require?.includes('name') ?? false,
    requireEmail: schema.require?.includes('email') ?? false,
    apply(raw, out, issues) {
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        const v = raw[f.name];
        const r = v === undefined || v === null ? f.parse('') : f.parse(v);
        if (!r.ok) issues.push({ field: f.name, value: v, reason: r.reason });
        else if (r.value !== undefined) out[f.name] = r.value;
        else if (f.required) issues.push({ field: f.name, reason: `${f.name} is required` });
      }
    },
  };
}

/** A typed value written as text: lists joined with ", ", numbers and booleans as JSON writes them. */
export function leadValueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => leadValueText(x)).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** An example value for a field (the template CSV): its default, else one that passes its own checks. */
export function exampleValue(spec: LeadFieldSpec): string {
  if (spec.default !== undefined && spec.default !== null) return Array.isArray(spec.default) ? spec.default.join(spec.separator ?? ',') : String(spec.default);
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const lo = spec.min ?? (spec.exclusiveMin !== undefined ? Math.floor(spec.exclusiveMin) + 1 : undefined);
      const hi = spec.max ?? (spec.exclusiveMax !== undefined ? Math.ceil(spec.exclusiveMax) - 1 : undefined);
      const n = lo !== undefined ? Math.ceil(lo) : hi !== undefined ? Math.min(1, Math.floor(hi)) : 1;
      return String(n);
    }
    case 'boolean': return 'yes';
    case 'date': return '2026-01-31';
    case 'email': return 'someone@example.com';
    case 'url': return 'https://example.com/';
    case 'enum': return spec.values?.[0] ?? '';
    case 'tags': return ['first', 'second'].slice(0, Math.max(1, Math.min(2, spec.max ?? 2))).join(spec.separator ?? ',');
    default: {
      const s = 'sample';
      return spec.case === 'upper' ? s.toUpperCase() : s;
    }
  }
}

// ---- filters ----

export const FILTER_OPERATORS = ['>=', '<=', '!=', '=', '>', '<', 'contains'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** One typed condition on a schema field, ready for the repository. */
export interface LeadFieldFilter {
  field: string;
  type: LeadFieldType;
  op: FilterOperator;
  value: LeadValue;
}

const OPS_BY_TYPE: Record<LeadFieldType, readonly FilterOperator[]> = {
  number: ['>=', '<=', '!=', '=', '>', '<'],
  integer: ['>=', '<=', '!=', '=', '>', '<'],
  date: ['>=', '<=', '!=', '=', '>', '<'],
  boolean: ['=', '!='],
  enum: ['=', '!='],
  email: ['=', '!=', 'contains'],
  url: ['=', '!=', 'contains'],
  text: ['=', '!=', 'contains'],
  tags: ['contains'],
};
function article(t: string): string {
  return /^[aeiou]/.test(t) ? 'an' : 'a';
}
const FILTER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|!=|=|>|<|\s+contains\s+)(.*)$/;

/**
 * Parses `budget>=5000000`, `property_type=2BHK`, `tags contains investor` against a schema: the
 * value typed like the field (and normalized as it would be stored). Unknown field, wrong type or an
 * operator the type does not have: the reason, naming it.
 */
export function parseLeadFilter(expr: string, schema: CompiledLeadSchema | null): { ok: true; filter: LeadFieldFilter } | { ok: false; reason: string } {
  const m = FILTER.exec(expr);
  if (!m) return { ok: false, reason: `"${show(expr)}" is not a filter: write <field><op><value> with op one of >=, <=, !=, =, >, < or " contains "` };
  const name = m[1]!;
  const op = m[2]!.trim() as FilterOperator;
  const rawValue = m[3]!.trim();
  if (!schema) return { ok: false, reason: `the campaign has no lead schema, so "${name}" is not a typed field to filter on` };
  const f = schema.fieldFor(name);
  if (!f) return { ok: false, reason: `"${name}" is not a field of the campaign's lead schema (fields: ${schema.fields.map((x) => x.name).join(', ')})` };
  const ops = OPS_BY_TYPE[f.type];
  if (!ops.includes(op)) return { ok: false, reason: `${f.name} is ${article(f.type)} ${f.type} field: its filters use ${ops.join(', ')}, not ${op}` };
  if (rawValue === '') return { ok: false, reason: `the filter on ${f.name} has no value` };
  if (f.type === 'tags' || (op === 'contains')) {
    const item = compileField({ ...f.spec, type: f.type === 'tags' ? 'text' : f.type, default: undefined, pattern: undefined, minLength: undefined, maxLength: undefined, min: undefined, max: undefined })
      .parse(rawValue);
    if (!item.ok || item.value === undefined) return { ok: false, reason: `the filter on ${f.name}: ${item.ok ? 'no value' : item.reason}` };
    return { ok: true, filter: { field: f.name, type: f.type, op, value: item.value } };
  }
  // The value is checked by type only: a bound of the field (budget > 0) does not make "budget<0" an error.
  const loose = compileField({
    ...f.spec, default: undefined, min: undefined, max: undefined, exclusiveMin: undefined, exclusiveMax: undefined, pattern: undefined, minLength: undefined, maxLength: undefined,
  });
  const r = loose.parse(rawValue);
  if (!r.ok || r.value === undefined) return { ok: false, reason: `the filter on ${f.name} (${article(f.type)} ${f.type} field): ${r.ok ? 'no value' : r.reason}` };
  return { ok: true, filter: { field: f.name, type: f.type, op, value: r.value } };
}
