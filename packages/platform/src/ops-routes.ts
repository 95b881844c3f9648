import { Router } from 'express';
import type { Registry } from 'prom-client';
import { metricsHandler } from './metrics';

export interface OpsRoutesDeps {
  registry: Registry;
  /** Dependencies to probe on /healthz, by name (e.g. `db: () => ds.query('SELECT 1')`). */
  checks?: Record<string, () => Promise<unknown>>;
}

/**
 * The operations surface every service exposes: `GET /healthz` (200 `{"status":"ok"}`, or 503 naming
 * the dependency that is down) and `GET /metrics` (Prometheus text).
 */
export function opsRoutes(deps: OpsRoutesDeps): Router {
  const router = Router();
  const checks = Object.entries(deps.checks ?? {});
  router.get('/healthz', async (_req, res) => {
    const results = await Promise.allSettled(checks.map(([, check]) => check()));
    const down = checks.filter((_, i) => results[i]?.status === 'rejected').map(([name]) => name);
    if (down.length === 0) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'unavailable', down });
  });
  router.get('/metrics', metricsHandler(deps.registry));
  return router;
}
