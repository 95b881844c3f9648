import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { pingDatabase, type DataSource } from '@dialer/db';
import { errorMiddleware, notFoundHandler, opsRoutes, type Logger } from '@dialer/platform';
import type { Redis } from '@dialer/queue';

export interface AppDeps {
  ds: DataSource;
  redis: Redis;
  registry: Registry;
  logger: Logger;
}

/** Operations surface only: /healthz and /metrics. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRoutes({ registry: deps.registry, checks: { db: () => pingDatabase(deps.ds), redis: () => deps.redis.ping() } }));
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
