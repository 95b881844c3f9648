import { writeAudit, type DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import { checkIfMatch } from './campaign-checks';
import { findCampaign, getCampaign, softDeleteCampaign } from './campaigns.repository';

/**
 * Soft-deletes a campaign that is not running, audited with the status it had. With an If-Match
 * header, only at the version it names (412 otherwise); a running campaign is refused (409).
 */
export async function deleteCampaign(ds: DataSource, auth: AuthContext, id: string, ifMatch: string | undefined): Promise<void> {
  const { tenantId, apiKeyId, userId } = auth;
  const read = ifMatch !== undefined ? await getCampaign(ds, tenantId, id) : null;
  if (read) checkIfMatch(ifMatch, read);
  await ds.transaction(async (m) => {
    const deletedFrom = await softDeleteCampaign(m, tenantId, id, read?.version ?? null);
    if (deletedFrom === null) {
      const now = await findCampaign(m, tenantId, id);
      if (!now) throw AppError.notFound('campaign', id);
      if (read && now.version !== read.version) checkIfMatch(ifMatch, now);
      throw new AppError('invalid_state', 'a running campaign must be stopped before it is deleted', { status: 409, details: { status: now.status } });
    }
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'campaign.delete', entityType: 'campaign', entityId: id, before: { status: deletedFrom }, after: { deleted: true } });
  });
}
