import { randomUUID } from 'node:crypto';
import { insertOutboundEnvelopes, writeAudit, type DataSource } from '@dialer/db';
import { TEST_EVENT_TYPE } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import { findEndpoint, insertRequestedDelivery, requeueDelivery, requeueFailedSince } from './webhook-endpoints.repository';
import type { RedeliveryResult, WebhookTestResult } from './webhook-endpoint.dto';

/**
 * Sending again by hand: one delivery, or every delivery of the endpoint given up since a time.
 * Each is marked to be enqueued again (with a new job id); event-delivery's relay adds the jobs.
 * Audited. The event and its webhook-id stay the same, so receivers deduplicate as usual.
 */
export async function redeliverOne(ds: DataSource, auth: AuthContext, endpointId: string, deliveryId: string): Promise<RedeliveryResult> {
  return ds.transaction(async (m) => {
    if (!(await findEndpoint(m, auth.tenantId, endpointId))) throw AppError.notFound('webhook endpoint', endpointId);
    if (!(await requeueDelivery(m, auth.tenantId, endpointId, deliveryId))) throw AppError.notFound('webhook delivery', deliveryId);
    await writeAudit(m, {
      tenantId: auth.tenantId, apiKeyId: auth.apiKeyId, userId: auth.userId, action: 'webhook_endpoint.redeliver', entityType: 'webhook_endpoint',
      entityId: endpointId, after: { deliveryId },
    });
    return { redelivered: 1 };
  });
}

export async function redeliverFailedSince(ds: DataSource, auth: AuthContext, endpointId: string, since: Date): Promise<RedeliveryResult> {
  return ds.transaction(async (m) => {
    if (!(await findEndpoint(m, auth.tenantId, endpointId))) throw AppError.notFound('webhook endpoint', endpointId);
    const redelivered = await requeueFailedSince(m, auth.tenantId, endpointId, since);
    await writeAudit(m, {
      tenantId: auth.tenantId, apiKeyId: auth.apiKeyId, userId: auth.userId, action: 'webhook_endpoint.redeliver', entityType: 'webhook_endpoint',
      entityId: endpointId, after: { since, redelivered },
    });
    return { redelivered };
  });
}

/** A `webhook.test` event for this endpoint only (whatever types it asks for, enabled or not is checked at delivery). */
export async function sendTestEvent(ds: DataSource, auth: AuthContext, endpointId: string): Promise<WebhookTestResult> {
  return ds.transaction(async (m) => {
    if (!(await findEndpoint(m, auth.tenantId, endpointId))) throw AppError.notFound('webhook endpoint', endpointId);
    const env = { id: randomUUID(), type: TEST_EVENT_TYPE, createdAt: new Date().toISOString(), tenantId: auth.tenantId, data: { endpointId, test: true } };
    await insertOutboundEnvelopes(m, [{ env, campaignId: null }]);
    const deliveryId = await insertRequestedDelivery(m, auth.tenantId, endpointId, env.id);
    return { eventId: env.id, deliveryId, event: env };
  });
}
