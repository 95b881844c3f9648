import type { DataSource } from '@dialer/db';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import { createApiKey } from '../tenants/api-keys';
import type { CreateApiKeyDto, CreatedApiKey } from './api-key.dto';
import { keyView } from './api-key-view';
import { findApiKey } from './api-keys.repository';

/** A new API key of the caller's tenant, audited; the key itself is in this answer only. */
export async function issueApiKey(ds: DataSource, auth: AuthContext, dto: CreateApiKeyDto): Promise<CreatedApiKey> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    const created = await createApiKey(m, tenantId, dto.role, dto.name.trim());
    const row = (await findApiKey(m, tenantId, created.id))!;
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'api_key.create', entityType: 'api_key', entityId: created.id, after: keyView(row) });
    return { ...keyView(row), apiKey: created.apiKey };
  });
}
