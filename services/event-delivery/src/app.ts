import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { errorMiddleware, notFoundHandler, opsRoutes, type Logger } from '@dialer/platform';

export interface AppDeps {
  logger: Logger;
  registry: Registry;
  /** Dependencies probed by /healthz and /readyz. */
  checks: Record<string, () => Promise<unknown>>;
}

/** event-delivery's small HTTP face: /healthz, /readyz and /metrics. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRoutes({ registry: deps.registry, checks: deps.checks }));
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
