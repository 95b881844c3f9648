import type { Response } from 'express';
import type { ApiKeyRole } from '@dialer/db';
import { AppError, isUuid } from '@dialer/platform';

/** Who is calling: set by the auth middleware on res.locals.auth. */
export interface AuthContext {
  tenantId: string;
  role: ApiKeyRole;
  /** The API key of a machine's request; null for a person's session. */
  apiKeyId: string | null;
  /** The user of a dashboard session; null for an API key. */
  userId: string | null;
  /** The session's id, when the request came with a session cookie. */
  sessionId?: string;
  /** That session's CSRF token (GET /v1/auth/session answers it). */
  csrfToken?: string;
}

export function authOf(res: Response): AuthContext {
  const a = res.locals.auth as AuthContext | undefined;
  if (!a) throw AppError.unauthorized();
  return a;
}

/** A path id that is not a UUID names nothing: 404, like an unknown or foreign id. */
export function pathId(value: unknown, what: string): string {
  if (!isUuid(value)) throw AppError.notFound(what, typeof value === 'string' ? value : undefined);
  return value.toLowerCase();
}

export interface Page<T> {
  data: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Rows fetched with limit + 1: the extra row proves there is a next page. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? last.id : null };
}
