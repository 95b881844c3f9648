import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { validateInput } from '@dialer/platform';
import { authOf, pathId } from '../http/request-context';
import {
  CreateWebhookEndpointDto, ListDeliveriesQuery, RedeliverDto, UpdateWebhookEndpointDto,
  type CreatedWebhookEndpoint, type RedeliveryResult, type RotatedWebhookSecret, type WebhookDeliveryPage, type WebhookEndpoint,
  type WebhookEndpointPage, type WebhookTestResult,
} from './webhook-endpoint.dto';
import { deliveryView, endpointView } from './webhook-endpoint-view';
import { findEndpoint, listDeliveries, listEndpoints } from './webhook-endpoints.repository';
import {
  createWebhookEndpoint, deleteWebhookEndpoint, rotateWebhookSecret, updateWebhookEndpoint, type WebhookSettings,
} from './manage-webhook-endpoints';
import { redeliverFailedSince, redeliverOne, sendTestEvent } from './redeliver-webhooks';
import { AppError } from '@dialer/platform';

/** Outbound event webhooks: the tenant's endpoints, their delivery log, redelivery and the test event. */
export function webhookEndpointsRouter(ds: DataSource, settings: WebhookSettings): Router {
  const r = Router();

  r.post('/webhook-endpoints', async (req, res) => {
    const dto = validateInput(CreateWebhookEndpointDto, req.body, { where: 'request body' });
    res.status(201).set('Cache-Control', 'no-store').json(await createWebhookEndpoint(ds, settings, authOf(res), dto) satisfies CreatedWebhookEndpoint);
  });

  r.get('/webhook-endpoints', async (_req, res) => {
    const rows = await listEndpoints(ds, authOf(res).tenantId);
    res.json({ data: rows.map(endpointView), nextCursor: null } satisfies WebhookEndpointPage);
  });

  r.get('/webhook-endpoints/:id', async (req, res) => {
    const id = pathId(req.params.id, 'webhook endpoint');
    const row = await findEndpoint(ds, authOf(res).tenantId, id);
    if (!row) throw AppError.notFound('webhook endpoint', id);
    res.json(endpointView(row) satisfies WebhookEndpoint);
  });

  r.patch('/webhook-endpoints/:id', async (req, res) => {
    const id = pathId(req.params.id, 'webhook endpoint');
    const dto = validateInput(UpdateWebhookEndpointDto, req.body, { where: 'request body' });
    res.json(await updateWebhookEndpoint(ds, settings, authOf(res), id, dto) satisfies WebhookEndpoint);
  });

  r.delete('/webhook-endpoints/:id', async (req, res) => {
    await deleteWebhookEndpoint(ds, authOf(res), pathId(req.params.id, 'webhook endpoint'));
    res.status(204).end();
  });

  r.post('/webhook-endpoints/:id/rotate-secret', async (req, res) => {
    const id = pathId(req.params.id, 'webhook endpoint');
    res.set('Cache-Control', 'no-store').json(await rotateWebhookSecret(ds, settings, authOf(res), id) satisfies RotatedWebhookSecret);
  });

  r.get('/webhook-endpoints/:id/deliveries', async (req, res) => {
    const { tenantId } = authOf(res);
    const id = pathId(req.params.id, 'webhook endpoint');
    const q = validateInput(ListDeliveriesQuery, { ...req.query }, { where: 'query string' });
    if (!(await findEndpoint(ds, tenantId, id))) throw AppError.notFound('webhook endpoint', id);
    const limit = q.limit ?? 50;
    const rows = await listDeliveries(ds, tenantId, id, { status: q.status, limit, cursor: q.cursor });
    const data = rows.slice(0, limit);
    res.json({ data: data.map(deliveryView), nextCursor: rows.length > limit ? data[data.length - 1]!.id : null } satisfies WebhookDeliveryPage);
  });

  r.post('/webhook-endpoints/:id/deliveries/:deliveryId/redeliver', async (req, res) => {
    const id = pathId(req.params.id, 'webhook endpoint');
    const deliveryId = pathId(req.params.deliveryId, 'webhook delivery');
    res.status(202).json(await redeliverOne(ds, authOf(res), id, deliveryId) satisfies RedeliveryResult);
  });

  r.post('/webhook-endpoints/:id/redeliver', async (req, res) => {
    const id = pathId(req.params.id, 'webhook endpoint');
    const dto = validateInput(RedeliverDto, req.body, { where: 'request body' });
    res.status(202).json(await redeliverFailedSince(ds, authOf(res), id, dto.since) satisfies RedeliveryResult);
  });

  r.post('/webhook-endpoints/:id/test', async (req, res) => {
    const id = pathId(req.params.id, 'webhook endpoint');
    res.status(202).json(await sendTestEvent(ds, authOf(res), id) satisfies WebhookTestResult);
  });

  return r;
}
