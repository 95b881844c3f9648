/** The telephony providers an adapter exists for; a provider connection is of one of them. */
export const PROVIDER_TYPES = ['twilio', 'vapi', 'exotel'] as const;

export type ProviderType = (typeof PROVIDER_TYPES)[number];

export function isProviderType(v: unknown): v is ProviderType {
  return typeof v === 'string' && (PROVIDER_TYPES as readonly string[]).includes(v);
}
