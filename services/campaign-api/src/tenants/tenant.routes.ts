import { Router } from 'express';
import type { DataSource, TenantEntity } from '@dialer/db';
import { AppError, validateInput } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import { authOf } from '../http/request-context';
import { UpdateTenantDto, type TenantView } from './tenant.dto';
import { findTenant, setTenantDefaultCountry } from './tenants.repository';

function tenantView(t: TenantEntity): TenantView {
  return { id: t.id, name: t.name, defaultCountry: t.defaultCountry, createdAt: t.createdAt };
}

/** The caller's own tenant: read it, change its default country (admins). */
export function tenantRouter(ds: DataSource): Router {
  const r = Router();

  r.get('/tenant', async (_req, res) => {
    const { tenantId } = authOf(res);
    const t = await findTenant(ds, tenantId);
    if (!t) throw AppError.notFound('tenant', tenantId);
    res.json(tenantView(t) satisfies TenantView);
  });

  r.patch('/tenant', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const dto = validateInput(UpdateTenantDto, req.body, { where: 'request body' });
    const after = await ds.transaction(async (m) => {
      const before = await findTenant(m, tenantId);
      if (!before) throw AppError.notFound('tenant', tenantId);
      await setTenantDefaultCountry(m, tenantId, dto.defaultCountry);
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'tenant.update', entityType: 'tenant', entityId: tenantId,
        before: { defaultCountry: before.defaultCountry }, after: { defaultCountry: dto.defaultCountry } });
      return { ...before, defaultCountry: dto.defaultCountry };
    });
    res.json(tenantView(after) satisfies TenantView);
  });

  return r;
}
