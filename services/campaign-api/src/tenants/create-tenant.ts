import type { DataSource } from '@dialer/db';
import { createApiKey } from './api-keys';

export interface CreatedTenant {
  tenantId: string;
  apiKey: string;
  apiKeyId: string;
}

/** Creates a tenant and its first admin API key in one transaction. */
export async function createTenant(ds: DataSource, name: string): Promise<CreatedTenant> {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) throw new Error('tenant name must be 1 to 200 characters');
  return ds.transaction(async (m) => {
    const rows: Array<{ id: string }> = await m.query(`INSERT INTO tenants (name) VALUES ($1) RETURNING id`, [trimmed]);
    const tenantId = rows[0]!.id;
    const key = await createApiKey(m, tenantId, 'admin', 'admin');
    return { tenantId, apiKey: key.apiKey, apiKeyId: key.id };
  });
}
