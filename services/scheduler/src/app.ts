import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { errorMiddleware, notFoundHandler, opsRoutes, type Logger } from '@dialer/platform';

export interface AppDeps {
  logger: Logger;
  registry: Registry;
  /** Dependencies probed by /healthz and /readyz. */
  checks: Record<string, () => Promise<unknown>>;
  /** 'leader' while this replica runs the loops, else 'standby'. */
  role: () => 'leader' | 'standby';
}

/**
 * The scheduler's small HTTP face: /healthz, /readyz (which also says whether this replica leads)
 * and /metrics. A standby is ready too: it serves no traffic, and it must stay up to take over.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRoutes({ registry: deps.registry, checks: deps.checks, readiness: () => ({ role: deps.role() }) }));
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
