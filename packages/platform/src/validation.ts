import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { AppError } from './errors';

export interface FieldError {
  field: string;
  reason: string;
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const msg of Object.values(e.constraints ?? {})) out.push({ field, reason: msg });
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/**
 * One field's problem as a sentence that names the field once: a reason that starts with the
 * field's own name ("maxAttempts must not be …") gets its full path instead of a repeated prefix.
 */
function sentence(d: FieldError): string {
  const leaf = d.field.slice(d.field.lastIndexOf('.') + 1);
  if (d.reason.startsWith(`${leaf} `) || d.reason.startsWith(`${leaf}:`)) return `${d.field}${d.reason.slice(leaf.length)}`;
  return `${d.field}: ${d.reason}`;
}

export interface ValidateOptions {
  /** Where the input came from, for the error message ("request body", "job payload", "environment"). */
  where?: string;
  /** Reject unknown properties (default true) instead of silently dropping them. */
  forbidUnknown?: boolean;
}

/** Deepest nesting accepted in a JSON body, query or payload (objects and arrays). */
export const MAX_INPUT_DEPTH = 32;

/** A UTF-16 code unit of a surrogate pair without its other half: Postgres cannot store it (jsonb, text). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (LONE_SURROGATE.test(s)) return 'contains a lone UTF-16 surrogate (invalid Unicode), which cannot be stored';
  return null;
}

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/**
 * The first value of a parsed input (JSON body, query, payload) that can never be stored — a NUL
 * character or a lone surrogate in a string or a key — or that nests deeper than `maxDepth`: its
 * path (`settings.a[2]`) and why; null when there is none. Iterative, so any depth is safe to check.
 */
export function unstorableInput(value: unknown, root = '', maxDepth = MAX_INPUT_DEPTH): FieldError | null {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: root, depth: 0 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { v, path, depth } = top;
    if (typeof v === 'string') {
      const problem = stringProblem(v);
      if (problem) return { field: path || 'value', reason: `${path || 'value'} ${problem}` };
      continue;
    }
    if (v === null || typeof v !== 'object' || v instanceof Date) continue;
    if (depth >= maxDepth) return { field: path || 'value', reason: `${path || 'value'} is nested deeper than ${maxDepth} levels` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: childPath(path, i), depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i] as string;
      const problem = stringProblem(k);
      if (problem) return { field: childPath(path, k), reason: `the key of ${childPath(path, k)} ${problem}` };
      stack.push({ v: (v as Record<string, unknown>)[k], path: childPath(path, k), depth: depth + 1 });
    }
  }
  return null;
}

/** Throws AppError 400 `validation_failed` naming the first unstorable value of `value` (see unstorableInput). */
export function assertStorableInput(value: unknown, where: string, root = ''): void {
  const problem = unstorableInput(value, root);
  if (problem) throw invalid(where, [problem]);
}

function invalid(where: string, details: FieldError[]): AppError {
  const summary = details.map(sentence).join('; ');
  return new AppError('validation_failed', `${where} is invalid: ${summary}`, { status: 400, details });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its canonical text form (any version), as Postgres' uuid columns take it. */
export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID.test(v);
}

const NULLABLE = Symbol('nullable');

/**
 * Marks a DTO property that accepts null (to clear it). Every other property given as null is
 * rejected by validateInput ("must not be null") rather than reaching a NOT NULL column.
 */
export function Nullable(): PropertyDecorator {
  return (target, key) => {
    const proto = target as { [NULLABLE]?: Set<string | symbol> };
    const own = Object.prototype.hasOwnProperty.call(proto, NULLABLE) ? proto[NULLABLE] : undefined;
    const set = own ?? new Set(proto[NULLABLE] ?? []);
    set.add(key);
    Object.defineProperty(proto, NULLABLE, { value: set, configurable: true });
  };
}

function nullableKeys(cls: ClassConstructor<object>): Set<string | symbol> {
  return (cls.prototype as { [NULLABLE]?: Set<string | symbol> })[NULLABLE] ?? new Set();
}

/** Postgres timestamps reach further than this, but not every year a JS Date can hold (nor year 0 as ISO text). */
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

/**
 * Problems the class-validator decorators do not see, top-level fields only: null where the field
 * is not @Nullable, a string of only whitespace (a blank name), a date outside years 1–9999.
 */
function boundaryProblems(cls: ClassConstructor<object>, plain: Record<string, unknown>, instance: object): FieldError[] {
  const out: FieldError[] = [];
  const nullable = nullableKeys(cls);
  const declared = new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName));
  for (const [k, v] of Object.entries(plain)) {
    if (!declared.has(k)) continue; // unknown fields are rejected (or ignored) by the whitelist
    if (v === null && !nullable.has(k)) out.push({ field: k, reason: `${k} must not be null` });
    else if (typeof v === 'string' && v.length > 0 && v.trim() === '') out.push({ field: k, reason: `${k} must not be blank (only whitespace)` });
  }
  for (const [k, v] of Object.entries(instance)) {
    if (v instanceof Date && !Number.isNaN(v.getTime())) {
      const y = v.getUTCFullYear();
      if (y < MIN_YEAR || y > MAX_YEAR) out.push({ field: k, reason: `${k} must be a date between the years ${MIN_YEAR} and ${MAX_YEAR}` });
    }
  }
  return out;
}

/**
 * The one validation helper for every boundary (HTTP body, query, job payload, CSV row, env).
 * Returns a typed instance or throws AppError('validation_failed', 400) listing each field and why.
 */
export function validateInput<T extends object>(cls: ClassConstructor<T>, plain: unknown, opts: ValidateOptions = {}): T {
  const where = opts.where ?? 'input';
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new AppError('validation_failed', `${where} must be a JSON object`, { status: 400 });
  }
  assertStorableInput(plain, where);
  const instance = plainToInstance(cls, plain, { exposeDefaultValues: true });
  const errors = validateSync(instance as object, {
    whitelist: true,
    forbidNonWhitelisted: opts.forbidUnknown ?? true,
    forbidUnknownValues: true,
  });
  const details = [...boundaryProblems(cls, plain as Record<string, unknown>, instance), ...flatten(errors)];
  if (details.length > 0) throw invalid(where, details);
  return instance;
}
