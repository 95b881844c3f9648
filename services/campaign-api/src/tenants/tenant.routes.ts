import { Router } from 'express';
import type { DataSource, TenantEntity } from '@dialer/db';
import { AppError, validateInput } from '@dialer/platform';
import { authOf } from '../http/request-context';
import { UpdateTenantDto, type TenantView } from './tenant.dto';
import { findTenant } from './tenants.repository';
import { updateTenant } from './update-tenant';

function tenantView(t: TenantEntity): TenantView {
  return { id: t.id, name: t.name, defaultCountry: t.defaultCountry, maxConcurrentCalls: t.maxConcurrentCalls, weight: t.weight, createdAt: t.createdAt };
}

/** The caller's own tenant: read it, change its default country and concurrency budget (admins). */
export function tenantRouter(ds: DataSource): Router {
  const r = Router();

  r.get('/tenant', async (_req, res) => {
    const { tenantId } = authOf(res);
    const t = await findTenant(ds, tenantId);
    if (!t) throw AppError.notFound('tenant', tenantId);
    res.json(tenantView(t) satisfies TenantView);
  });

  r.patch('/tenant', async (req, res) => {
    const auth = authOf(res);
    const dto = validateInput(UpdateTenantDto, req.body, { where: 'request body' });
    res.json(tenantView(await updateTenant(ds, auth, dto)) satisfies TenantView);
  });

  return r;
}
