import express, { Router, type Request, type Response } from 'express';
import { AppError, isUuid, type Logger } from '@dialer/platform';
import { IgnoredWebhook, ProviderError, type IncomingWebhook, type NormalizedCallEvent, type ProviderType } from '@dialer/providers';
import type { ApplyThread } from './apply-thread';
import type { ApplyDeps } from './apply-call-event';
import type { EventWriter } from './event-writer';
import type { ConnectionCache } from './connection-cache';
import { parseWebhookBody } from './webhook-body';
import type { WebhookMetrics } from './webhook.metrics';

export interface WebhookRouteDeps extends ApplyDeps {
  connections: ConnectionCache;
  metrics: WebhookMetrics;
  writer: EventWriter;
  applyQueue: Pick<ApplyThread, 'push'>;
  /** Public base URL the provider signs against, without a trailing slash. */
  publicUrl: string;
  logger: Logger;
}

/** What each provider expects as the answer to a status callback. */
const ANSWERS: Record<ProviderType, (res: Response) => void> = {
  twilio: (res) => void res.type('text/xml').status(200).send('<Response></Response>'),
  vapi: (res) => void res.status(200).json({}),
  exotel: (res) => void res.status(200).json({ status: 'ok' }),
};

/** The time an event happened: the provider's, but never in the future (clock skew) nor invalid. */
export function eventTime(reported: Date, receivedAt: Date): Date {
  const t = reported.getTime();
  return Number.isFinite(t) && t <= receivedAt.getTime() ? reported : receivedAt;
}

/**
 * POST /v1/webhooks/twilio/:connectionId            (form, X-Twilio-Signature)
 * POST /v1/webhooks/vapi/:connectionId              (JSON, X-Vapi-Secret / Bearer / HMAC)
 * POST /v1/webhooks/exotel/:connectionId/:token     (JSON or form, secret token in the path)
 *
 * Verify first (401, nothing stored), parse (400 with the reason), store the raw event append-only
 * and deduplicated, answer, then apply in the background (per call in arrival order). Once the
 * event is stored the answer is 200 whatever happens next: the sweeper finishes the job.
 *
 * What a terminal status does to the lead: applyToAttempt (./apply-call-event) hands it to
 * endAttempt (@dialer/calls), which asks settleLead (@dialer/domain, lifecycle.ts) what follows.
 */
export function webhooksRouter(deps: WebhookRouteDeps): Router {
  const router = Router();
  const raw = express.text({ type: () => true, limit: '2mb', defaultCharset: 'utf-8' });
  const { metrics, logger } = deps;

  async function handle(provider: ProviderType, req: Request, res: Response): Promise<void> {
    const stopTimer = metrics.handleSeconds.startTimer({ provider });
    try {
      const connectionId = String(req.params.connectionId);
      const conn = await deps.connections.get(connectionId);
      if (!conn || conn.type !== provider) {
        metrics.received.inc({ provider, result: 'rejected' });
        metrics.rejected.inc({ reason: 'unknown_connection' });
        throw AppError.notFound('provider connection', isUuid(connectionId) ? connectionId : undefined);
      }
      const rawBody = typeof req.body === 'string' ? req.body : '';
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.params)) params[k] = String(v);
      // Twilio signs the parsed parameters, so its body is read before the check; the others verify the bytes or the URL first.
      const hook: IncomingWebhook = { url: deps.publicUrl + req.originalUrl, headers: req.headers, body: {}, rawBody, params };
      if (provider === 'twilio') hook.body = parseOrCount(provider, req, rawBody);
      if (!conn.adapter.verifyWebhook(hook)) {
        metrics.received.inc({ provider, result: 'rejected' });
        metrics.rejected.inc({ reason: 'signature' });
        throw new AppError('invalid_signature', 'the webhook signature, secret or token is missing or does not match', { status: 401 });
      }
      if (provider !== 'twilio') hook.body = parseOrCount(provider, req, rawBody);

      let event: NormalizedCallEvent;
      try {
        event = conn.adapter.parseWebhook(hook);
      } catch (err) {
        if (err instanceof IgnoredWebhook) {
          metrics.received.inc({ provider, result: 'ignored' });
          ANSWERS[provider](res);
          return;
        }
        if (!(err instanceof ProviderError)) throw err;
        metrics.received.inc({ provider, result: 'invalid' });
        throw new AppError('invalid_webhook', err.message, { status: 400 });
      }

      const attemptParam = req.query.attemptId;
      const callAttemptId = isUuid(attemptParam) ? attemptParam : event.callAttemptId ?? null;
      const stored = await deps.writer.store({
        tenantId: conn.tenantId,
        provider,
        providerConnectionId: conn.id,
        eventKey: event.eventKey,
        providerCallId: event.providerCallId,
        callAttemptId,
        payload: hook.body,
      });
      if (!stored) {
        metrics.received.inc({ provider, result: 'duplicate' });
        ANSWERS[provider](res);
        return;
      }
      metrics.received.inc({ provider, result: event.status === null ? 'unmapped' : 'stored' });
      if (event.unmapped) logger.warn({ provider, eventId: stored.id, unmapped: event.unmapped }, 'provider value outside the mapping tables');
      ANSWERS[provider](res);
      deps.applyQueue.push({
        eventId: stored.id,
        tenantId: conn.tenantId,
        providerConnectionId: conn.id,
        callAttemptId,
        event: { ...event, occurredAt: eventTime(event.occurredAt, stored.receivedAt) },
      });
    } finally {
      stopTimer();
    }
  }

  function parseOrCount(provider: ProviderType, req: Request, rawBody: string): Record<string, unknown> {
    try {
      return parseWebhookBody(req, rawBody);
    } catch (err) {
      metrics.received.inc({ provider, result: 'invalid' });
      throw err;
    }
  }

  router.post('/v1/webhooks/twilio/:connectionId', raw, (req, res) => handle('twilio', req, res));
  router.post('/v1/webhooks/vapi/:connectionId', raw, (req, res) => handle('vapi', req, res));
  router.post('/v1/webhooks/exotel/:connectionId/:token', raw, (req, res) => handle('exotel', req, res));
  return router;
}
