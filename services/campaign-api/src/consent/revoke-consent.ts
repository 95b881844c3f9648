import { writeAudit, type DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import { findLead } from '../leads/lead-records.repository';
import { consentAudit, consentView } from './consent-view';
import type { Consent } from './consent.dto';
import { revokeCurrentConsent } from './consents.repository';

/**
 * DELETE /v1/leads/:id/consent: revokes the lead's current consent record (kept, marked revoked with
 * the reason), audited. It takes effect at once: the dialer reads the record at dial time, so a
 * queued lead of a campaign that requires consent is not dialled afterwards. 404 when the lead has
 * no consent that is not revoked already.
 */
export async function revokeConsent(ds: DataSource, auth: AuthContext, leadId: string, reason: string): Promise<Consent> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    const lead = await findLead(m, tenantId, leadId, { forUpdate: true });
    if (!lead) throw AppError.notFound('lead', leadId);
    const revoked = await revokeCurrentConsent(m, tenantId, leadId, reason.trim());
    if (!revoked) throw new AppError('not_found', `lead ${leadId} has no consent to revoke`, { status: 404, details: { leadId } });
    await writeAudit(m, {
      tenantId, apiKeyId, userId, action: 'lead.consent_revoked', entityType: 'lead', entityId: leadId,
      before: { consentId: revoked.id, type: revoked.type }, after: consentAudit(revoked),
    });
    return consentView(revoked);
  });
}
