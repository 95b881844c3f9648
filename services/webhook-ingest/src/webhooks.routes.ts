import express, { Router, type Request, type Response } from 'express';
import { AppError, type Logger } from '@dialer/platform';
import { ProviderError, type IncomingWebhook } from '@dialer/providers';
import { applyStoredEvent, type ApplyDeps } from './apply-call-event';
import { isUuid, type ConnectionCache } from './provider-connections.repository';
import { insertWebhookEvent } from './webhook-events.repository';
import type { WebhookMetrics } from './webhook.metrics';

export interface WebhookRouteDeps extends ApplyDeps {
  connections: ConnectionCache;
  metrics: WebhookMetrics;
  /** Public base URL the provider signs against, without a trailing slash. */
  publicUrl: string;
  logger: Logger;
}

const EMPTY_TWIML = '<Response></Response>';

/** The time an event happened: the provider's, but never in the future (clock skew) nor invalid. */
export function eventTime(reported: Date, receivedAt: Date): Date {
  const t = reported.getTime();
  return Number.isFinite(t) && t <= receivedAt.getTime() ? reported : receivedAt;
}

/**
 * POST /v1/webhooks/twilio/:connectionId — verify, store (append-only, deduplicated), then apply.
 * Once the raw event is stored the answer is 200 whatever happens next: the sweeper finishes the job.
 */
export function webhooksRouter(deps: WebhookRouteDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '100kb' });
  const { metrics } = deps;

  router.post('/v1/webhooks/twilio/:connectionId', form, async (req: Request, res: Response) => {
    const provider = 'twilio';
    const stopTimer = metrics.handleSeconds.startTimer({ provider });
    try {
      const connectionId = String(req.params.connectionId);
      const conn = await deps.connections.get(connectionId);
      if (!conn || conn.type !== provider) {
        metrics.received.inc({ provider, result: 'rejected' });
        metrics.rejected.inc({ reason: 'unknown_connection' });
        throw AppError.notFound('provider connection', isUuid(connectionId) ? connectionId : undefined);
      }

      const body = (req.body ?? {}) as Record<string, unknown>;
      const hook: IncomingWebhook = { url: deps.publicUrl + req.originalUrl, headers: req.headers, body };
      if (!conn.adapter.verifyWebhook(hook)) {
        metrics.received.inc({ provider, result: 'rejected' });
        metrics.rejected.inc({ reason: 'signature' });
        throw new AppError('invalid_signature', 'the webhook signature is missing or does not match', { status: 401 });
      }

      let event;
      try {
        event = conn.adapter.parseWebhook(hook);
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        metrics.received.inc({ provider, result: 'invalid' });
        throw new AppError('invalid_webhook', err.message, { status: 400 });
      }

      const attemptParam = req.query.attemptId;
      const callAttemptId = isUuid(attemptParam) ? attemptParam : null;
      const stored = await insertWebhookEvent(deps.ds, {
        tenantId: conn.tenantId,
        provider,
        providerConnectionId: conn.id,
        eventKey: event.eventKey,
        providerCallId: event.providerCallId,
        callAttemptId,
        payload: { ...body },
      });
      if (!stored) {
        metrics.received.inc({ provider, result: 'duplicate' });
        res.type('text/xml').status(200).send(EMPTY_TWIML);
        return;
      }

      const outcome = await applyStoredEvent(deps, {
        eventId: stored.id,
        tenantId: conn.tenantId,
        callAttemptId,
        event: { ...event, occurredAt: eventTime(event.occurredAt, new Date()) },
      });
      metrics.received.inc({ provider, result: outcome === 'applied' ? 'applied' : outcome === 'pending' ? 'pending' : 'invalid' });
      res.type('text/xml').status(200).send(EMPTY_TWIML);
    } finally {
      stopTimer();
    }
  });

  return router;
}
