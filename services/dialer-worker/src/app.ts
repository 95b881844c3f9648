import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { errorMiddleware, metricsHandler, notFoundHandler, type Logger } from '@dialer/platform';

export interface AppDeps {
  logger: Logger;
  registry: Registry;
  /** Resolves when Postgres and Redis answer; rejects (or resolves false) otherwise. */
  checkHealth(): Promise<boolean>;
}

/** The worker's small HTTP face: health for probes and Prometheus metrics. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', async (_req, res) => {
    const ok = await deps.checkHealth().catch(() => false);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable' });
  });
  app.get('/metrics', metricsHandler(deps.registry));
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
