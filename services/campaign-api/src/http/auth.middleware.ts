import type { Request, RequestHandler, Response } from 'express';
import type { DataSource } from '@dialer/db';
import { AppError, safeEqual, type Logger } from '@dialer/platform';
import { API_KEY_FORMAT, hashApiKey } from '../tenants/api-keys';
import { findLiveApiKeyByHash, touchApiKey } from '../api-keys/api-keys.repository';
import { findLiveSession, touchSession } from '../users/users.repository';
import { assertSameOrigin, clearSessionCookie, hashToken, sessionTokenOf, type SessionSettings } from '../users/sessions';
import { may } from './permissions';
import type { RateLimiter } from './rate-limit';
import type { AuthContext } from './request-context';
import { matchRoute } from './route-table';

const TOUCH_EVERY_MS = 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Runs `write` at most once a minute per id (last-used and last-seen marks). */
function throttledTouch(logger: Logger, what: string, write: (id: string) => Promise<unknown>): (id: string) => void {
  const touched = new Map<string, number>();
  return (id) => {
    const now = Date.now();
    if ((touched.get(id) ?? 0) > now - TOUCH_EVERY_MS) return;
    touched.set(id, now);
    if (touched.size > 10_000) touched.clear();
    write(id).catch((err: unknown) => logger.warn({ err, id }, `could not record ${what}`));
  };
}

/**
 * The one gate of /v1, in this order:
 * 1. The route's entry in ROUTE_TABLE: none → 404 route_not_found (a route missing from the table
 *    is unreachable, never open). A `public` route (sign-in, accepting an invitation) passes with
 *    only the same-origin check; its handler does the rest.
 * 2. Credentials: `Authorization: Bearer <api key>` (looked up by its sha256 hash) or the session
 *    cookie of a signed-in person, never both (400). Unknown, malformed, revoked or expired → 401.
 *    A session's unsafe request (POST, PATCH, DELETE) must come from this origin and carry the
 *    session's `X-CSRF-Token` → else 403 csrf_failed.
 * 3. Rate limit per key or per user (Redis, shared by replicas): over the limit → 429 with Retry-After.
 * 4. The role's permission for the route (roles are shared by keys and users) → else 403 forbidden.
 *    The role of a session is the user's current one: a change takes effect on the next request.
 * last_used_at of a key and last_seen_at of a session move at most once a minute.
 */
export function authMiddleware(ds: DataSource, logger: Logger, sessions: SessionSettings, limiter?: RateLimiter): RequestHandler {
  const touchKey = throttledTouch(logger, 'API key use', (id) => touchApiKey(ds, id));
  const touchSessionOnce = throttledTouch(logger, 'session use', (id) => touchSession(ds, id));

  const byKey = async (header: string): Promise<AuthContext> => {
    const key = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (!key || !API_KEY_FORMAT.test(key)) throw AppError.unauthorized();
    const row = await findLiveApiKeyByHash(ds, hashApiKey(key));
    if (!row) throw AppError.unauthorized('the API key is unknown or revoked');
    touchKey(row.id);
    return { tenantId: row.tenant_id, apiKeyId: row.id, userId: null, role: row.role };
  };

  const bySession = async (req: Request, res: Response, token: string): Promise<AuthContext> => {
    const s = await findLiveSession(ds, hashToken(token), sessions.idleMs);
    if (!s) {
      clearSessionCookie(req, res, sessions);
      throw new AppError('unauthorized', 'the session has ended (signed out, expired or the account was deactivated): sign in again', { status: 401 });
    }
    if (!SAFE_METHODS.has(req.method)) {
      assertSameOrigin(req, sessions);
      const sent = req.get('x-csrf-token') ?? '';
      if (!safeEqual(sent, s.csrf_token)) {
        throw new AppError('csrf_failed', 'this request needs the X-CSRF-Token header of the session (GET /v1/auth/session gives it)', { status: 403 });
      }
    }
    touchSessionOnce(s.session_id);
    return { tenantId: s.tenant_id, apiKeyId: null, userId: s.user_id, role: s.role, sessionId: s.session_id, csrfToken: s.csrf_token };
  };

  return async (req, res, next) => {
    const route = matchRoute(req.method, req.path);
    if (!route) throw new AppError('route_not_found', `no route for ${req.method} ${req.baseUrl}${req.path}`, { status: 404 });
    if (route.permission === 'public') {
      if (!SAFE_METHODS.has(req.method)) assertSameOrigin(req, sessions);
      next();
      return;
    }

    const header = req.get('authorization');
    const token = sessionTokenOf(req, sessions);
    if (header !== undefined && token !== undefined) {
      throw new AppError('ambiguous_credentials', 'send an API key or a session cookie, not both', { status: 400 });
    }
    if (header === undefined && token === undefined) {
      throw AppError.unauthorized('sign in, or send an API key (Authorization: Bearer <key>)');
    }
    const auth = token !== undefined ? await bySession(req, res, token) : await byKey(header!);

    if (limiter) {
      let d;
      try {
        d = await limiter.hit(auth.apiKeyId ?? `user:${auth.userId!}`);
      } catch (err) {
        // Redis down: serve (fail open) rather than take the API down with it; the error is logged.
        logger.warn({ err }, 'rate limiter unavailable; request let through');
      }
      if (d) {
        res.set('RateLimit-Limit', String(d.limit));
        res.set('RateLimit-Remaining', String(d.remaining));
        res.set('RateLimit-Reset', String(d.resetSeconds));
        if (!d.allowed) {
          res.set('Retry-After', String(d.resetSeconds));
          throw new AppError('rate_limited', `too many requests for this ${auth.apiKeyId ? 'API key' : 'user'}: at most ${d.limit} per ${Math.round(limiter.windowMs / 1000)} s`,
            { status: 429, details: { limit: d.limit, retryAfterSeconds: d.resetSeconds } });
        }
      }
    }

    if (route.permission === 'session' && !auth.userId) {
      throw new AppError('session_required', 'this route belongs to a signed-in person\'s session, not to an API key', { status: 403 });
    }
    if (!may(auth.role, route.permission)) {
      const who = auth.apiKeyId ? 'this API key' : 'your account';
      throw new AppError('forbidden', `${who} (role ${auth.role}) lacks the permission ${route.permission}`,
        { status: 403, details: { role: auth.role, permission: route.permission } });
    }
    res.locals.auth = auth;
    next();
  };
}
