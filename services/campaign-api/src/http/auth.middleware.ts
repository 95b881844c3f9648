import type { RequestHandler } from 'express';
import type { ApiKeyRole, DataSource } from '@dialer/db';
import { AppError, type Logger } from '@dialer/platform';
import { API_KEY_FORMAT, hashApiKey } from '../tenants/api-keys';
import type { AuthContext } from './request-context';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOUCH_EVERY_MS = 60_000;

/**
 * `Authorization: Bearer <api key>`: looks the key up by its sha256 hash; unknown, malformed or
 * revoked keys get 401. Viewers may only read (403 otherwise). last_used_at moves at most once a
 * minute per key.
 */
export function authMiddleware(ds: DataSource, logger: Logger): RequestHandler {
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
    if (row.role === 'viewer' && !READ_METHODS.has(req.method)) {
      throw new AppError('forbidden', 'this API key may only read (role viewer)', { status: 403 });
    }
    const auth: AuthContext = { tenantId: row.tenant_id, apiKeyId: row.id, role: row.role };
    res.locals.auth = auth;
    touch(row.id);
    next();
  };
}
