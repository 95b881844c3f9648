import type { DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import type { ApiKey } from './api-key.dto';
import { keyView } from './api-key-view';
import { findApiKey, markApiKeyRevoked } from './api-keys.repository';

/** Revokes a live key of the caller's tenant, audited: 404 for an unknown key, 409 for one revoked already. */
export async function revokeApiKey(ds: DataSource, auth: AuthContext, id: string): Promise<ApiKey> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    const row = await markApiKeyRevoked(m, tenantId, id);
    if (!row) {
      const exists = await findApiKey(m, tenantId, id);
      if (!exists) throw AppError.notFound('API key', id);
      throw new AppError('invalid_state', 'the API key is already revoked', { status: 409, details: { revokedAt: exists.revoked_at } });
    }
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'api_key.revoke', entityType: 'api_key', entityId: id, before: { revokedAt: null }, after: { revokedAt: row.revoked_at } });
    return keyView(row);
  });
}
