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
 * The scheduler's small HTTP face: /healthz and /metrics (the platform's ops routes) and /readyz,
 * which answers as /healthz does and says whether this replica leads. A standby is ready too: it
 * serves no traffic, and it must stay up to take over.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRoutes({ registry: deps.registry, checks: deps.checks }));
  app.get('/readyz', async (_req, res) => {
    const entries = Object.entries(deps.checks);
    const results = await Promise.allSettled(entries.map(([, check]) => check()));
    const down = entries.filter((_, i) => results[i]?.status === 'rejected').map(([name]) => name);
    if (down.length === 0) res.json({ status: 'ok', role: deps.role() });
    else res.status(503).json({ status: 'unavailable', down });
  });
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return app;
}
