import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
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

/**
 * The one validation helper for every boundary (HTTP body, query, job payload, CSV row, env).
 * Returns a typed instance or throws AppError('validation_failed', 400) listing each field and why.
 */
export function validateInput<T extends object>(cls: ClassConstructor<T>, plain: unknown, opts: ValidateOptions = {}): T {
  const where = opts.where ?? 'input';
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new AppError('validation_failed', `${where} must be a JSON object`, { status: 400 });
  }
  const instance = plainToInstance(cls, plain, { exposeDefaultValues: true });
  const errors = validateSync(instance as object, {
    whitelist: true,
    forbidNonWhitelisted: opts.forbidUnknown ?? true,
    forbidUnknownValues: true,
  });
  if (errors.length > 0) {
    const details = flatten(errors);
    const summary = details.map(sentence).join('; ');
    throw new AppError('validation_failed', `${where} is invalid: ${summary}`, { status: 400, details });
  }
  return instance;
}
