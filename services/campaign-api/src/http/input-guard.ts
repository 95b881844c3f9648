import type { RequestHandler } from 'express';
import { AppError, assertStorableInput } from '@dialer/platform';

/**
 * Runs after express.json on every /v1 route: a body, query or path that holds what Postgres can
 * never store (a NUL, a lone surrogate) or a JSON value nested too deep is a 400 naming where it is,
 * before any handler sees it — one check at the boundary instead of one per route.
 */
export const inputGuard: RequestHandler = (req, _res, next) => {
  if (/%00/.test(req.path)) {
    throw new AppError('validation_failed', 'the path is invalid: it contains a NUL character (%00)', {
      status: 400, details: [{ field: 'path', reason: 'the path contains a NUL character (%00)' }],
    });
  }
  assertStorableInput(req.query, 'query string');
  if (req.body !== undefined && req.body !== null && typeof req.body === 'object') assertStorableInput(req.body, 'request body');
  next();
};
