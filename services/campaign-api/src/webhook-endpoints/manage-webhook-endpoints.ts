import { randomBytes } from 'node:crypto';
import { forgetOutboundListeners, writeAudit, type DataSource } from '@dialer/db';
import { AppError, encryptSecret } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import { checkWebhookUrl } from './webhook-url';
import { endpointView } from './webhook-endpoint-view';
import {
  findEndpoint, insertEndpoint, markEndpointDeleted, rotateEndpointSecret, updateEndpoint,
} from './webhook-endpoints.repository';
import type {
  CreatedWebhookEndpoint, CreateWebhookEndpointDto, RotatedWebhookSecret, UpdateWebhookEndpointDto, WebhookEndpoint,
} from './webhook-endpoint.dto';

/** How long the previous secret keeps signing after a rotation. */
export const SECRET_GRACE_MS = 24 * 3600 * 1000;

export interface WebhookSettings {
  secretsKey: string;
  /** NODE_ENV is production: https only. */
  production: boolean;
}

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const notFound = (id: string): AppError => AppError.notFound('webhook endpoint', id);

/** A new endpoint of the caller's tenant; its secret sealed, shown in this answer only; audited (without the secret). */
export async function createWebhookEndpoint(ds: DataSource, s: WebhookSettings, auth: AuthContext, dto: CreateWebhookEndpointDto): Promise<CreatedWebhookEndpoint> {
  checkWebhookUrl(dto.url, s.production);
  const secret = newSigningSecret();
  const created = await ds.transaction(async (m) => {
    const row = await insertEndpoint(m, {
      tenantId: auth.tenantId, url: dto.url, description: dto.description?.trim() ?? '', eventTypes: dto.eventTypes,
      campaignIds: dto.campaignIds?.length ? dto.campaignIds : null, enabled: dto.enabled ?? true, secretSealed: encryptSecret(secret, s.secretsKey),
    });
    await writeAudit(m, {
      tenantId: auth.tenantId, apiKeyId: auth.apiKeyId, userId: auth.userId, action: 'webhook_endpoint.create', entityType: 'webhook_endpoint',
      entityId: row.id, after: endpointView(row),
    });
    return row;
  });
  forgetOutboundListeners(auth.tenantId);
  return { ...endpointView(created), secret };
}

export async function updateWebhookEndpoint(
  ds: DataSource, s: WebhookSettings, auth: AuthContext, id: string, dto: UpdateWebhookEndpointDto,
): Promise<WebhookEndpoint> {
  if (dto.url !== undefined) checkWebhookUrl(dto.url, s.production);
  const after = await ds.transaction(async (m) => {
    const before = await findEndpoint(m, auth.tenantId, id, true);
    if (!before) throw notFound(id);
    const row = (await updateEndpoint(m, auth.tenantId, id, {
      url: dto.url, description: dto.description?.trim(), eventTypes: dto.eventTypes, campaignIds: dto.campaignIds, enabled: dto.enabled,
    }))!;
    await writeAudit(m, {
      tenantId: auth.tenantId, apiKeyId: auth.apiKeyId, userId: auth.userId, action: 'webhook_endpoint.update', entityType: 'webhook_endpoint',
      entityId: id, before: endpointView(before), after: endpointView(row),
    });
    return row;
  });
  forgetOutboundListeners(auth.tenantId);
  return endpointView(after);
}

export async function deleteWebhookEndpoint(ds: DataSource, auth: AuthContext, id: string): Promise<void> {
  await ds.transaction(async (m) => {
    const before = await findEndpoint(m, auth.tenantId, id, true);
    if (!before || !(await markEndpointDeleted(m, auth.tenantId, id))) throw notFound(id);
    await writeAudit(m, {
      tenantId: auth.tenantId, apiKeyId: auth.apiKeyId, userId: auth.userId, action: 'webhook_endpoint.delete', entityType: 'webhook_endpoint',
      entityId: id, before: endpointView(before),
    });
  });
  forgetOutboundListeners(auth.tenantId);
}

/** A new secret; the current one keeps signing beside it for SECRET_GRACE_MS (receivers switch without a gap). */
export async function rotateWebhookSecret(ds: DataSource, s: WebhookSettings, auth: AuthContext, id: string): Promise<RotatedWebhookSecret> {
  const secret = newSigningSecret();
  const graceUntil = new Date(Date.now() + SECRET_GRACE_MS);
  await ds.transaction(async (m) => {
    const row = await rotateEndpointSecret(m, auth.tenantId, id, encryptSecret(secret, s.secretsKey), graceUntil);
    if (!row) throw notFound(id);
    await writeAudit(m, {
      tenantId: auth.tenantId, apiKeyId: auth.apiKeyId, userId: auth.userId, action: 'webhook_endpoint.rotate_secret', entityType: 'webhook_endpoint',
      entityId: id, after: { previousSecretExpiresAt: graceUntil },
    });
  });
  return { secret, previousSecretExpiresAt: graceUntil };
}
