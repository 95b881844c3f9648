/** The telephony providers an adapter exists for; a provider connection is of one of them. */
export const PROVIDER_TYPES = ['twilio', 'vapi', 'exotel'] as const;

export type ProviderType = (typeof PROVIDER_TYPES)[number];

export function isProviderType(v: unknown): v is ProviderType {
  return typeof v === 'string' && (PROVIDER_TYPES as readonly string[]).includes(v);
}

/**
 * Providers that send a post-call report after the call's end (Vapi's end-of-call-report, carrying
 * the AI's analysis and maybe a callback request), with the suffix of that report's event key
 * (`<provider call id><suffix>`, as the adapter's parseWebhook names it). A campaign does not
 * complete while such a report may still come (docs/call-outcomes.md, "Post-call reports and completion").
 */
export const POST_CALL_REPORT_EVENT_SUFFIX = { vapi: ':end-of-call-report' } as const satisfies Partial<Record<ProviderType, string>>;
