import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { DataSource } from '@dialer/db';
import {
  errorMiddleware, notFoundHandler, opsRoutes, withLogContext, type createMetricsRegistry, type Logger,
} from '@dialer/platform';
import type { ConcurrencyLease, Redis } from '@dialer/queue';
import { campaignsRouter } from './campaigns/campaigns.routes';
import { dispositionsRouter } from './dispositions/dispositions.routes';
import { dncRouter } from './dnc/dnc.routes';
import { authMiddleware } from './http/auth.middleware';
import type { ImportRunner } from './imports/import-runner';
import { importsRouter } from './imports/imports.routes';
import { leadsRouter } from './leads/leads.routes';
import { providerConnectionsRouter } from './provider-connections/provider-connections.routes';
import { statsRouter } from './stats/stats.routes';
import type { CampaignEventsHub } from './stats/campaign-events.hub';

export interface AppDeps {
  ds: DataSource;
  /** Producer connection: health checks and lease reads. */
  redis: Redis;
  lease: ConcurrencyLease;
  logger: Logger;
  registry: ReturnType<typeof createMetricsRegistry>;
  secretsKey: string;
  csvMaxBytes: number;
  /** Lead imports (POST /v1/campaigns/:id/imports, /v1/imports/…). */
  imports: ImportRunner;
  importMaxBytes: number;
  /** Live campaign updates (SSE); absent: GET /v1/campaigns/:id/events answers 503. */
  events?: CampaignEventsHub;
}

export const JSON_BODY_LIMIT = '1mb';

export function createApp(deps: AppDeps): Express {
  const { ds, redis, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const requestId = req.get('x-request-id')?.slice(0, 100) || randomUUID();
    res.set('X-Request-Id', requestId);
    withLogContext({ requestId }, () => next());
  });

  app.use(opsRoutes({ registry: deps.registry, checks: { db: () => ds.query('SELECT 1'), redis: () => redis.ping() } }));

  const v1 = express.Router();
  v1.use(authMiddleware(ds, logger));
  v1.use(express.json({ limit: JSON_BODY_LIMIT }));
  v1.use(leadsRouter({ ds, logger, csvMaxBytes: deps.csvMaxBytes, imports: deps.imports }));
  v1.use(importsRouter({ ds, logger, runner: deps.imports, maxBytes: deps.importMaxBytes }));
  v1.use(campaignsRouter(ds));
  v1.use(statsRouter(ds, deps.lease, deps.events));
  v1.use(providerConnectionsRouter(ds, deps.secretsKey));
  v1.use(dncRouter(ds));
  v1.use(dispositionsRouter(ds));
  app.use('/v1', v1);

  app.use(notFoundHandler);
  app.use(errorMiddleware(logger));
  return app;
}
