import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { errorMiddleware, notFoundHandler, opsRoutes, type Logger } from '@dialer/platform';

export interface AppDeps {
  logger: Logger;
  registry: Registry;
  /** Dependencies probed by /healthz. */
  checks: Record<string, () => Promise<unknown>>;
}

/** The worker's small HTTP face: health for probes and Prometheus metrics. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRoutes({ registry: deps.registry, checks: deps.checks }));
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
