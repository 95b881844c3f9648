import { writeAudit, type CampaignEntity, type DataSource } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import type { CloneCampaignDto } from './campaign.dto';
import { insertCampaignCopy, type CloneResult } from './campaigns.repository';

/**
 * A new draft with the settings of `source` (named "<name> (copy)" unless given) and, when asked,
 * its leads as new pending ones (numbers now on the tenant's DNC list left out), audited with the source.
 */
export async function cloneCampaign(ds: DataSource, auth: AuthContext, source: CampaignEntity, dto: CloneCampaignDto): Promise<CloneResult> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    const out = await insertCampaignCopy(m, source, { name: dto.name?.trim() ?? `${source.name} (copy)`.slice(0, 200), includeLeads: dto.includeLeads ?? false });
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'campaign.clone', entityType: 'campaign', entityId: out.campaign.id,
      after: { sourceId: source.id, leadsCopied: out.leadsCopied } });
    return out;
  });
}
