import { checkLeadSchema, type LeadSchema } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import { BUILTIN_COLUMN_NAMES } from '../imports/column-mapping';

/**
 * A lead schema as sent on a campaign's create or PATCH: checked (every problem with its path under
 * `leadSchema`, 400) and answered in its stored form; null clears it.
 */
export function validLeadSchema(raw: unknown): LeadSchema | null {
  if (raw === null) return null;
  const r = checkLeadSchema(raw, BUILTIN_COLUMN_NAMES);
  if (r.ok) return r.schema;
  const details = r.problems.map((p) => ({ field: p.path ? `leadSchema.${p.path}` : 'leadSchema', reason: p.reason }));
  throw new AppError('validation_failed', `request body is invalid: ${details.map((d) => `${d.field}: ${d.reason}`).join('; ')}`, { status: 400, details });
}
