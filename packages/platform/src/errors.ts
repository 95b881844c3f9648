import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

export interface AppErrorOptions {
  status?: number;
  details?: unknown;
  cause?: unknown;
}

/** An error meant for the caller: a stable code, a human message, an HTTP status and details. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: string, message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.details = opts.details;
  }

  static notFound(what: string, id?: string): AppError {
    return new AppError('not_found', id ? `${what} ${id} was not found` : `${what} was not found`, { status: 404 });
  }

  static conflict(message: string, details?: unknown): AppError {
    return new AppError('conflict', message, { status: 409, details });
  }

  static unauthorized(message = 'a valid API key is required (Authorization: Bearer <key>)'): AppError {
    return new AppError('unauthorized', message, { status: 401 });
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Maps what express and body parsers throw into AppError; anything else becomes an opaque 500. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string; expose?: boolean };
  const status = e?.status ?? e?.statusCode;
  if (e?.type === 'entity.parse.failed') {
    return new AppError('invalid_json', `the request body is not valid JSON: ${e.message ?? ''}`.trim(), { status: 400 });
  }
  if (e?.type === 'entity.too.large') {
    return new AppError('payload_too_large', 'the request body is larger than allowed', { status: 413 });
  }
  if (typeof status === 'number' && status >= 400 && status < 500 && e.expose !== false) {
    return new AppError('bad_request', e.message ?? 'bad request', { status });
  }
  return new AppError('internal', 'an internal error occurred', { status: 500, cause: err });
}

/** The one express error middleware: `{error:{code,message,details}}`, 5xx internals hidden. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) {
      logger.error({ err, method: req.method, path: req.path }, 'request failed');
    }
    const body: ErrorBody = { error: { code: appErr.code, message: appErr.message } };
    if (appErr.details !== undefined && appErr.status < 500) body.error.details = appErr.details;
    if (res.headersSent) return;
    res.status(appErr.status).json(body);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('route_not_found', `no route for ${req.method} ${req.path}`, { status: 404 }));
};
