import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { DataSource } from '@dialer/db';
import { errorMiddleware, metricsHandler, notFoundHandler, type Logger } from '@dialer/platform';
import type { Redis } from '@dialer/queue';
import { webhooksRouter, type WebhookRouteDeps } from './webhooks.routes';

export interface AppDeps extends WebhookRouteDeps {
  ds: DataSource;
  redis: Redis;
  registry: Registry;
  logger: Logger;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', async (_req, res) => {
    try {
      await Promise.all([deps.ds.query('SELECT 1'), deps.redis.ping()]);
      res.json({ status: 'ok' });
    } catch (err) {
      deps.logger.warn({ err }, 'health check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });
  app.get('/metrics', metricsHandler(deps.registry));
  app.use(webhooksRouter(deps));

  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
