import { randomUUID } from 'node:crypto';
import cors from 'cors';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import { pingDatabase, type DataSource } from '@dialer/db';
import {
  errorMiddleware, notFoundHandler, opsRoutes, withLogContext, type createMetricsRegistry, type Logger,
} from '@dialer/platform';
import type { ConcurrencyLease, Redis } from '@dialer/queue';
import { apiKeysRouter } from './api-keys/api-keys.routes';
import { auditRouter } from './audit/audit.routes';
import { callbacksRouter } from './callbacks/callbacks.routes';
import { consentRouter } from './consent/consent.routes';
import { callerIdsRouter } from './caller-ids/caller-ids.routes';
import { callsRouter } from './calls/calls.routes';
import { campaignsRouter } from './campaigns/campaigns.routes';
import { dispositionsRouter } from './dispositions/dispositions.routes';
import { dashboardRouter } from './dashboard/dashboard.routes';
import { dncRouter } from './dnc/dnc.routes';
import { erasuresRouter } from './erasures/erasures.routes';
import { authMiddleware } from './http/auth.middleware';
import { inputGuard } from './http/input-guard';
import { RateLimiter } from './http/rate-limit';
import { buildOpenApi } from './openapi/openapi';
import type { ImportRunner } from './imports/import-runner';
import { importsRouter } from './imports/imports.routes';
import { leadRecordsRouter } from './leads/lead-records.routes';
import { leadsRouter } from './leads/leads.routes';
import { providerConnectionsRouter } from './provider-connections/provider-connections.routes';
import { statsRouter } from './stats/stats.routes';
import { tenantRouter } from './tenants/tenant.routes';
import type { CampaignEventsHub } from './stats/campaign-events.hub';
import { authRouter } from './users/auth.routes';
import { LoginThrottle } from './users/login-throttle';
import type { SessionSettings } from './users/sessions';
import { usersRouter } from './users/users.routes';
import { webhookEndpointsRouter } from './webhook-endpoints/webhook-endpoints.routes';

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
  /** Per-key rate limit (absent or max 0: none). */
  rateLimit?: { max: number; windowMs: number };
  /** The hash-tagged prefix of this deployment's Redis keys (QUEUE_PREFIX): rate limits, sign-in throttling. */
  keyPrefix: string;
  /** Largest JSON body in bytes (default 1 MiB). */
  jsonBodyMaxBytes?: number;
  /** CORS origins: [] none, ['*'] any. */
  corsOrigins?: string[];
  /** Dashboard sessions and sign-in throttling. */
  sessions: SessionSettings;
  /** express "trust proxy" value; empty: none. */
  trustProxy?: string;
  /** NODE_ENV is production: webhook endpoint URLs must use https; a pre-dial hook may not name a private, loopback or link-local address. */
  production?: boolean;
  /** The built web dashboard (index.html + assets/) served at /; absent: not served. */
  dashboardDir?: string;
  /** CAMPAIGN_REPORT_GRACE_MS: how long an ended call's post-call report is awaited (dialing state); default 120 s. */
  reportGraceMs?: number;
}

export const JSON_BODY_LIMIT = 1024 * 1024;

/** The /v1 router of an app made by createApp (the route-table test walks it). */
export function v1RouterOf(app: Express): Router {
  return app.locals.v1Router as Router;
}

export function createApp(deps: AppDeps): Express {
  const { ds, redis, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.trustProxy) app.set('trust proxy', /^\d+$/.test(deps.trustProxy) ? Number(deps.trustProxy) : deps.trustProxy);
  app.use(helmet());
  const origins = deps.corsOrigins ?? [];
  if (origins.length) {
    app.use(cors({
      origin: origins.includes('*') ? '*' : origins,
      exposedHeaders: ['ETag', 'Location', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'X-Request-Id', 'Idempotent-Replayed'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Request-Id'],
      maxAge: 600,
    }));
  }

  app.use((req, res, next) => {
    const requestId = req.get('x-request-id')?.slice(0, 100) || randomUUID();
    res.set('X-Request-Id', requestId);
    withLogContext({ requestId }, () => next());
  });

  app.use(opsRoutes({ registry: deps.registry, checks: { db: () => pingDatabase(ds), redis: () => redis.ping() } }));

  const openapi = buildOpenApi();
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json' } }));

  const limiter = deps.rateLimit && deps.rateLimit.max > 0
    ? new RateLimiter(redis, deps.keyPrefix, deps.rateLimit.max, deps.rateLimit.windowMs)
    : undefined;
  const v1 = express.Router();
  app.locals.v1Router = v1;
  const s = deps.sessions;
  v1.use(authMiddleware(ds, logger, s, limiter));
  v1.use(express.json({ limit: deps.jsonBodyMaxBytes ?? JSON_BODY_LIMIT }));
  v1.use(inputGuard);
  v1.use(authRouter({
    ds, sessions: s, throttle: new LoginThrottle(redis, deps.keyPrefix, s.loginMaxFailuresPerAccount, s.loginMaxFailuresPerIp, s.loginLockoutMs),
  }));
  v1.use(usersRouter(ds, s));
  v1.use(tenantRouter(ds));
  v1.use(apiKeysRouter(ds));
  v1.use(auditRouter(ds));
  v1.use(callsRouter(ds));
  v1.use(leadsRouter({ ds, logger, csvMaxBytes: deps.csvMaxBytes, imports: deps.imports }));
  v1.use(leadRecordsRouter({ ds, logger }));
  v1.use(callbacksRouter(ds));
  v1.use(consentRouter(ds));
  v1.use(callerIdsRouter(ds));
  v1.use(importsRouter({ ds, logger, runner: deps.imports, maxBytes: deps.importMaxBytes }));
  const events = deps.events;
  v1.use(campaignsRouter(ds, events ? async (id) => {
    // Every replica's streams of this campaign: its status changed (a final one ends them).
    await redis.publish(events.channelOf(id), JSON.stringify({ type: 'status' })).catch((err: unknown) => {
      logger.warn({ err, campaignId: id }, 'could not announce a campaign status change');
    });
  } : undefined, deps.secretsKey, deps.production ?? false));
  v1.use(statsRouter(ds, deps.lease, deps.events, deps.reportGraceMs));
  v1.use(providerConnectionsRouter(ds, deps.secretsKey));
  v1.use(dncRouter(ds));
  v1.use(erasuresRouter(ds, logger));
  v1.use(dispositionsRouter(ds));
  v1.use(webhookEndpointsRouter(ds, { secretsKey: deps.secretsKey, production: deps.production ?? false }));
  app.use('/v1', v1);
  if (deps.dashboardDir) app.use(dashboardRouter(deps.dashboardDir));

  app.use(notFoundHandler);
  app.use(errorMiddleware(logger));
  return app;
}
