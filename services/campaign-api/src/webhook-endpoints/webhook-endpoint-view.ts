import type { SameKeys } from '../openapi/response-schema';
import type { DeliveryRow, EndpointRow } from './webhook-endpoints.repository';
import type { WebhookDelivery, WebhookEndpoint } from './webhook-endpoint.dto';

export function endpointView(r: EndpointRow): WebhookEndpoint {
  const v = {
    id: r.id, url: r.url, description: r.description, eventTypes: r.event_types, campaignIds: r.campaign_ids, enabled: r.enabled,
    disabledReason: r.disabled_reason, failingSince: r.failing_since, previousSecretExpiresAt: r.previous_secret_expires_at,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
  const same: SameKeys<typeof v, WebhookEndpoint> = true;
  void same;
  return v;
}

export function deliveryView(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id, eventId: r.event_id, eventType: r.event_type, status: r.status, attempts: r.attempts, redeliveries: r.redeliveries,
    lastStatusCode: r.last_status_code, lastError: r.last_error, createdAt: r.created_at, deliveredAt: r.delivered_at,
    recentAttempts: r.recent_attempts.map((a) => ({
      attemptNo: a.attempt_no, statusCode: a.status_code, latencyMs: a.latency_ms, responseExcerpt: a.response_excerpt, error: a.error,
      at: new Date(a.created_at),
    })),
  };
}
