import type { DataSource, TenantEntity } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import type { UpdateTenantDto } from './tenant.dto';
import { findTenant, setTenantDefaultCountry } from './tenants.repository';

/** Changes the caller's tenant's default country (for campaigns created from now on), audited. */
export async function updateTenant(ds: DataSource, auth: AuthContext, dto: UpdateTenantDto): Promise<TenantEntity> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    const before = await findTenant(m, tenantId);
    if (!before) throw AppError.notFound('tenant', tenantId);
    await setTenantDefaultCountry(m, tenantId, dto.defaultCountry);
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'tenant.update', entityType: 'tenant', entityId: tenantId,
      before: { defaultCountry: before.defaultCountry }, after: { defaultCountry: dto.defaultCountry } });
    return { ...before, defaultCountry: dto.defaultCountry };
  });
}
