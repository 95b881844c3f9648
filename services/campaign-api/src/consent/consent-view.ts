import type { Consent } from './consent.dto';
import type { ConsentRow } from './consents.repository';

/** A consent record as the API shows it. */
export function consentView(c: ConsentRow): Consent {
  return {
    id: c.id, leadId: c.lead_id, type: c.type, grantedAt: c.granted_at, source: c.source, text: c.consent_text, recordedVia: c.recorded_via,
    createdAt: c.created_at, supersededAt: c.superseded_at, revokedAt: c.revoked_at, revokedReason: c.revoked_reason,
  };
}

/** What the audit log keeps of a consent record (no personal data: the type, when, where from, the version). */
export function consentAudit(c: ConsentRow): Record<string, unknown> {
  return { consentId: c.id, type: c.type, grantedAt: c.granted_at, source: c.source, text: c.consent_text, revokedAt: c.revoked_at, revokedReason: c.revoked_reason };
}
