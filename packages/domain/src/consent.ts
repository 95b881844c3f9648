/**
 * Consent to be called (TCPA-style), ordered by strength: express written > express > existing
 * business relationship > none. A campaign may require at least one of them; a lead is callable
 * only while its current consent record is at least that strong and not revoked.
 */
export const CONSENT_TYPES = ['express_written', 'express', 'existing_business_relationship', 'none'] as const;
export type ConsentType = (typeof CONSENT_TYPES)[number];

const STRENGTH: Record<ConsentType, number> = { none: 0, existing_business_relationship: 1, express: 2, express_written: 3 };

export function isConsentType(v: unknown): v is ConsentType {
  return typeof v === 'string' && (CONSENT_TYPES as readonly string[]).includes(v);
}

/** The lead's current consent record as the checks see it (null: the lead has none). */
export interface HeldConsent {
  type: ConsentType;
  revoked: boolean;
}

/** Does `held` meet `required`? Nothing required (null or 'none') is always met. */
export function consentMeets(held: HeldConsent | null, required: ConsentType | null): boolean {
  return consentRefusal(held, required) === null;
}

/**
 * Why a lead may not be imported or called under a campaign that requires `required`, in words;
 * null when it may. A revoked record counts as no consent.
 */
export function consentRefusal(held: HeldConsent | null, required: ConsentType | null): string | null {
  if (required === null || required === 'none') return null;
  if (held === null) return `no consent recorded; the campaign requires ${required} consent`;
  if (held.revoked) return `consent was revoked; the campaign requires ${required} consent`;
  if (STRENGTH[held.type] < STRENGTH[required]) return `${held.type} consent is weaker than the ${required} consent the campaign requires`;
  return null;
}
