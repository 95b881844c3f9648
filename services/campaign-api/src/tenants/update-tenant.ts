import type { DataSource, TenantEntity } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import type { UpdateTenantDto } from './tenant.dto';
import { findTenant, setTenantFields, type TenantChanges } from './tenants.repository';

/**
 * Changes the caller's tenant: its default country (for campaigns created from now on), its limit on
 * live calls across its campaigns, its weight on shared provider accounts; audited.
 */
export async function updateTenant(ds: DataSource, auth: AuthContext, dto: UpdateTenantDto): Promise<TenantEntity> {
  const { tenantId, apiKeyId, userId } = auth;
  const changes: TenantChanges = {};
  if (dto.defaultCountry !== undefined) changes.defaultCountry = dto.defaultCountry;
  if (dto.maxConcurrentCalls !== undefined) changes.maxConcurrentCalls = dto.maxConcurrentCalls;
  if (dto.weight !== undefined) changes.weight = dto.weight;
  return ds.transaction(async (m) => {
    const before = await findTenant(m, tenantId);
    if (!before) throw AppError.notFound('tenant', tenantId);
    await setTenantFields(m, tenantId, changes);
    const was: TenantChanges = {};
    for (const k of Object.keys(changes) as Array<keyof TenantChanges>) Object.assign(was, { [k]: before[k] });
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'tenant.update', entityType: 'tenant', entityId: tenantId,
      before: was, after: changes });
    return { ...before, ...changes };
  });
}
