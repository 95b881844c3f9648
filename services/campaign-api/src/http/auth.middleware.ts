import type { RequestHandler } from 'express';
import type { ApiKeyRole, DataSource } from '@dialer/db';
import { AppError, type Logger } from '@dialer/platform';
import { API_KEY_FORMAT, hashApiKey } from '../tenants/api-keys';
import { may } from './permissions';
import type { RateLimiter } from './rate-limit';
import type { AuthContext } from './request-context';
import { matchRoute } from './route-table';

const TOUCH_EVERY_MS = 60_000;

/**
 * The one gate of /v1, in this order:
 * 1. `Authorization: Bearer <api key>`, looked up by its sha256 hash: unknown, malformed or revoked → 401.
 * 2. Rate limit per key (Redis, shared by replicas): over the limit → 429 with Retry-After.
 * 3. The route's entry in ROUTE_TABLE: none → 404 route_not_found (a route missing from the table
 *    is unreachable, never open); the key's role lacks its permission → 403 forbidden.
 * last_used_at moves at most once a minute per key.
 */
export function authMiddleware(ds: DataSource, logger: Logger, limiter?: RateLimiter): RequestHandler {
  const touched = new Map<string, number>();

  const touch = (id: string): void => {
    const now = Date.now();
    if ((touched.get(id) ?? 0) > now - TOUCH_EVERY_MS) return;
    touched.set(id, now);
    if (touched.size > 10_000) touched.clear();
    ds.query(
      `UPDATE api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id],
    ).catch((err: unknown) => logger.warn({ err: err, apiKeyId: id }, 'could not record API key use'));
  };

  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = m?.[1];
    if (!key || !API_KEY_FORMAT.test(key)) throw AppError.unauthorized();
    const rows: Array<{ id: string; tenant_id: string; role: ApiKeyRole }> = await ds.query(
      `SELECT id, tenant_id, role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, [hashApiKey(key)]);
    const row = rows[0];
    if (!row) throw AppError.unauthorized('the API key is unknown or revoked');

    if (limiter) {
      let d;
      try {
        d = await limiter.hit(row.id);
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
          throw new AppError('rate_limited', `too many requests for this API key: at most ${d.limit} per ${Math.round(limiter.windowMs / 1000)} s`,
            { status: 429, details: { limit: d.limit, retryAfterSeconds: d.resetSeconds } });
        }
      }
    }

    const route = matchRoute(req.method, req.path);
    if (!route) throw new AppError('route_not_found', `no route for ${req.method} ${req.baseUrl}${req.path}`, { status: 404 });
    if (!may(row.role, route.permission)) {
      throw new AppError('forbidden', `this API key (role ${row.role}) lacks the permission ${route.permission}`,
        { status: 403, details: { role: row.role, permission: route.permission } });
    }
    const auth: AuthContext = { tenantId: row.tenant_id, apiKeyId: row.id, role: row.role };
    res.locals.auth = auth;
    touch(row.id);
    next();
  };
}
