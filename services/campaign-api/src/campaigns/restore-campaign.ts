import { writeAudit, type CampaignEntity, type DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import { findCampaign, findDeletedCampaign, getCampaign, undeleteCampaign } from './campaigns.repository';

/** Brings a soft-deleted campaign back, audited: 409 when it is not deleted, 404 when there is none. */
export async function restoreCampaign(ds: DataSource, auth: AuthContext, id: string): Promise<CampaignEntity> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    if (!await undeleteCampaign(m, tenantId, id)) {
      if (await findDeletedCampaign(m, tenantId, id) === null && await findCampaign(m, tenantId, id)) {
        throw new AppError('invalid_state', 'the campaign is not deleted', { status: 409 });
      }
      throw AppError.notFound('campaign', id);
    }
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'campaign.restore', entityType: 'campaign', entityId: id, before: { deleted: true }, after: { deleted: false } });
    return getCampaign(m, tenantId, id);
  });
}
