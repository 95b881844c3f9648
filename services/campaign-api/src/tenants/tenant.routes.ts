import { Router } from 'express';
import { TenantEntity, type DataSource } from '@dialer/db';
import { AppError, validateInput } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import { authOf } from '../http/request-context';
import { UpdateTenantDto, type TenantView } from './tenant.dto';

function tenantView(t: TenantEntity): TenantView {
  return { id: t.id, name: t.name, defaultCountry: t.defaultCountry, createdAt: t.createdAt };
}

/** The caller's own tenant: read it, change its default country (admins). */
export function tenantRouter(ds: DataSource): Router {
  const r = Router();
  const repo = ds.getRepository(TenantEntity);

  r.get('/tenant', async (_req, res) => {
    const { tenantId } = authOf(res);
    const t = await repo.findOneBy({ id: tenantId });
    if (!t) throw AppError.notFound('tenant', tenantId);
    res.json(tenantView(t) satisfies TenantView);
  });

  r.patch('/tenant', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const dto = validateInput(UpdateTenantDto, req.body, { where: 'request body' });
    const after = await ds.transaction(async (m) => {
      const before = await m.getRepository(TenantEntity).findOneBy({ id: tenantId });
      if (!before) throw AppError.notFound('tenant', tenantId);
      await m.getRepository(TenantEntity).update({ id: tenantId }, { defaultCountry: dto.defaultCountry });
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'tenant.update', entityType: 'tenant', entityId: tenantId,
        before: { defaultCountry: before.defaultCountry }, after: { defaultCountry: dto.defaultCountry } });
      return { ...before, defaultCountry: dto.defaultCountry };
    });
    res.json(tenantView(after) satisfies TenantView);
  });

  return r;
}
