import type { ErrorRequestHandler } from 'express';

/**
 * Database errors carry the query's parameters and Postgres' `detail` ("Key (phone_e164)=(+1…)"),
 * which can hold phone numbers; the logger would print them. This drops those fields in place.
 */
export function scrubDbError<T>(err: T): T {
  if (err && typeof err === 'object') {
    const e = err as Record<string, unknown>;
    for (const k of ['parameters', 'detail', 'where']) if (k in e) delete e[k];
    const inner = e.driverError;
    if (inner && typeof inner === 'object' && inner !== err) scrubDbError(inner);
  }
  return err;
}

/** Scrubs an error on its way to the error middleware. */
export const scrubErrorMiddleware: ErrorRequestHandler = (err, _req, _res, next) => {
  next(scrubDbError(err));
};
