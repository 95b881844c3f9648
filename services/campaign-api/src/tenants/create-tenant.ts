import { isISO31661Alpha2 } from 'class-validator';
import type { DataSource } from '@dialer/db';
import { createApiKey } from './api-keys';
import { findTenantByName, insertTenant, lockTenantName } from './tenants.repository';

export interface CreatedTenant {
  tenantId: string;
  apiKey: string;
  apiKeyId: string;
  /** The country assumed for numbers written without a country code (campaigns inherit it). */
  defaultCountry: string;
}

export interface CreateTenantOptions {
  /** ISO 3166-1 alpha-2; default US. */
  defaultCountry?: string;
}

export class TenantExistsError extends Error {}

/** Creates a tenant and its first admin API key in one transaction; refuses a name already taken. */
export async function createTenant(ds: DataSource, name: string, opts: CreateTenantOptions = {}): Promise<CreatedTenant> {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) throw new Error('tenant name must be 1 to 200 characters');
  const country = (opts.defaultCountry ?? 'US').trim().toUpperCase();
  if (!isISO31661Alpha2(country)) throw new Error(`country "${opts.defaultCountry ?? ''}" is not an ISO 3166-1 alpha-2 code (US, IN, GB …)`);
  return ds.transaction(async (m) => {
    // One tenant per name (case-insensitive): two "Acme" teams would be told apart only by their ids.
    await lockTenantName(m, trimmed);
    const same = await findTenantByName(m, trimmed);
    if (same) throw new TenantExistsError(`a tenant named "${same.name}" exists already (${same.id}); choose another name`);
    const tenantId = await insertTenant(m, { name: trimmed, defaultCountry: country });
    const key = await createApiKey(m, tenantId, 'admin', 'admin');
    return { tenantId, apiKey: key.apiKey, apiKeyId: key.id, defaultCountry: country };
  });
}
