import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { pingDatabase, type DataSource } from '@dialer/db';
import { errorMiddleware, notFoundHandler, opsRoutes, type Logger } from '@dialer/platform';
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

  app.use(opsRoutes({ registry: deps.registry, checks: { db: () => pingDatabase(deps.ds), redis: () => deps.redis.ping() } }));
  app.use(webhooksRouter(deps));

  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
