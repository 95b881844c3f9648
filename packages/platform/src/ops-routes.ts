import { Router } from 'express';
import type { Registry } from 'prom-client';
import { metricsHandler } from './metrics';

export interface OpsRoutesDeps {
  registry: Registry;
  /** Dependencies to probe on /healthz and /readyz, by name (e.g. `db: () => ds.query('SELECT 1')`). */
  checks?: Record<string, () => Promise<unknown>>;
  /** Fields added to a ready answer of /readyz (e.g. the scheduler's role: leader or standby). */
  readiness?: () => Record<string, unknown>;
}

/**
 * The operations surface every service exposes: `GET /healthz` (200 `{"status":"ok"}`, or 503 naming
 * the dependency that is down), `GET /readyz` (the same probes, plus the service's readiness fields)
 * and `GET /metrics` (Prometheus text).
 */
export function opsRoutes(deps: OpsRoutesDeps): Router {
  const router = Router();
  const checks = Object.entries(deps.checks ?? {});
  const down = async (): Promise<string[]> => {
    const results = await Promise.allSettled(checks.map(([, check]) => check()));
    return checks.filter((_, i) => results[i]?.status === 'rejected').map(([name]) => name);
  };
  router.get('/healthz', async (_req, res) => {
    const failing = await down();
    if (failing.length === 0) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'unavailable', down: failing });
  });
  router.get('/readyz', async (_req, res) => {
    const failing = await down();
    if (failing.length === 0) res.json({ status: 'ok', ...deps.readiness?.() });
    else res.status(503).json({ status: 'unavailable', down: failing });
  });
  router.get('/metrics', metricsHandler(deps.registry));
  return router;
}
