import { writeAudit, type DataSource } from '@dialer/db';
import { consentMeets } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import { FINISHED_STATUSES } from '../campaigns/campaign-checks';
import { getCampaign } from '../campaigns/campaigns.repository';
import type { AuthContext } from '../http/request-context';
import { findLead } from '../leads/lead-records.repository';
import { consentAudit, consentView } from './consent-view';
import type { Consent, PutConsentDto } from './consent.dto';
import { findCurrentConsent, reopenLeadRefusedForConsent, writeConsent } from './consents.repository';

/**
 * PUT /v1/leads/:id/consent: records the lead's consent, superseding its current record (kept as
 * history), audited with the record before and after. A lead that had ended `no_consent` (its
 * dial was refused for want of consent) and now meets its campaign's requirement is pending again,
 * while the campaign is not finished.
 */
export async function recordConsent(ds: DataSource, auth: AuthContext, leadId: string, dto: PutConsentDto): Promise<Consent> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    const lead = await findLead(m, tenantId, leadId, { forUpdate: true });
    if (!lead) throw AppError.notFound('lead', leadId);
    const before = await findCurrentConsent(m, tenantId, leadId);
    const record = await writeConsent(m, tenantId, leadId, {
      type: dto.type, grantedAt: dto.grantedAt ? new Date(dto.grantedAt) : null, source: dto.source?.trim() || null, text: dto.text ?? null,
    }, 'api');
    let reopened = false;
    if (lead.status === 'done' && lead.disposition === 'no_consent') {
      const campaign = await getCampaign(m, tenantId, lead.campaignId);
      if (!FINISHED_STATUSES.includes(campaign.status) && consentMeets({ type: record.type, revoked: false }, campaign.consentRequired)) {
        reopened = await reopenLeadRefusedForConsent(m, tenantId, leadId);
      }
    }
    await writeAudit(m, {
      tenantId, apiKeyId, userId, action: 'lead.consent_recorded', entityType: 'lead', entityId: leadId,
      before: before ? consentAudit(before) : null, after: { ...consentAudit(record), ...(reopened ? { leadReopened: true } : {}) },
    });
    return consentView(record);
  });
}
