/**
 * Outbound event webhooks: the event types a tenant's endpoint may ask for, which endpoint wants
 * which event, and when a failed delivery is tried again. Pure: the outbox, the relay and the
 * delivery worker execute what these decide.
 */

export const OUTBOUND_EVENT_TYPES = [
  'call.started', 'call.ended', 'lead.completed', 'lead.qualified', 'lead.callback_scheduled',
  'campaign.status_changed', 'import.completed', 'import.failed',
] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** The test event of `POST /v1/webhook-endpoints/:id/test`: sent to that endpoint only, whatever it asks for. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** One event as the code that causes it describes it (the envelope's id and time come from the outbox). */
export interface OutboundEvent {
  tenantId: string;
  /** The campaign the event belongs to (for the endpoints' campaign filter); null: none. */
  campaignId: string | null;
  type: OutboundEventType;
  data: Record<string, unknown>;
}

/** What an endpoint listens to. */
export interface EndpointInterest {
  eventTypes: readonly string[];
  /** Only these campaigns' events; null or empty: every campaign's. */
  campaignIds: readonly string[] | null;
}

/** Whether an enabled endpoint wants this event. */
export function endpointWants(e: EndpointInterest, type: string, campaignId: string | null): boolean {
  if (!e.eventTypes.includes(type)) return false;
  if (!e.campaignIds || e.campaignIds.length === 0) return true;
  return campaignId !== null && e.campaignIds.includes(campaignId);
}

/** How long a delivery keeps being tried, and how long an endpoint may fail before it is disabled: 3 days. */
export const DELIVERY_GIVE_UP_MS = 3 * 24 * 3600 * 1000;

/**
 * The wait before retry `attempt` + 1 (attempt counts from 1): exponential from `firstMs` (5 s), capped at
 * 6 h, with full jitter on the upper half (so retries of many deliveries spread out). `random` in [0, 1).
 */
export function deliveryRetryDelayMs(attempt: number, random: number, firstMs = 5_000): number {
  const base = Math.min(firstMs * 2 ** Math.max(0, attempt - 1), 6 * 3600 * 1000);
  return Math.round(base / 2 + (base / 2) * random);
}

/** Whether a failed delivery first tried at `firstAttemptAt` is given up at `now` (3 days of trying). */
export function deliveryGivenUp(firstAttemptAt: Date, now: Date): boolean {
  return now.getTime() - firstAttemptAt.getTime() >= DELIVERY_GIVE_UP_MS;
}

/** Whether an endpoint failing since `failingSince` is disabled at `now` (3 days of failing, no success). */
export function endpointFailedTooLong(failingSince: Date | null, now: Date): boolean {
  return failingSince !== null && now.getTime() - failingSince.getTime() >= DELIVERY_GIVE_UP_MS;
}
