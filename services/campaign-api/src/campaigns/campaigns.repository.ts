import { CampaignEntity, type DataSource, type EntityManager } from '@dialer/db';
import type { CampaignStatus } from '@dialer/domain';
import { AppError } from '@dialer/platform';

/** The tenant's campaign (not deleted), or null. */
export async function findCampaign(m: EntityManager | DataSource, tenantId: string, id: string): Promise<CampaignEntity | null> {
  return m.getRepository(CampaignEntity).findOneBy({ id, tenantId });
}

/** The tenant's campaign or a 404 (another tenant's campaign is as unknown as a missing one). */
export async function getCampaign(m: EntityManager | DataSource, tenantId: string, id: string): Promise<CampaignEntity> {
  const c = await findCampaign(m, tenantId, id);
  if (!c) throw AppError.notFound('campaign', id);
  return c;
}

export interface CampaignListQuery {
  status?: CampaignStatus;
  limit: number;
  cursor?: string;
}

/** Newest first; the cursor is the id of the last campaign of the previous page. */
export async function listCampaigns(ds: DataSource, tenantId: string, q: CampaignListQuery): Promise<CampaignEntity[]> {
  const qb = ds.getRepository(CampaignEntity).createQueryBuilder('c')
    .where('c.tenant_id = :tenantId', { tenantId })
    .orderBy('c.created_at', 'DESC')
    .addOrderBy('c.id', 'DESC')
    .limit(q.limit + 1);
  if (q.status) qb.andWhere('c.status = :status', { status: q.status });
  if (q.cursor) {
    qb.andWhere(
      `(c.created_at, c.id) < (SELECT k.created_at, k.id FROM campaigns k WHERE k.id = :cursor AND k.tenant_id = :tenantId)`,
      { cursor: q.cursor });
  }
  return qb.getMany();
}
