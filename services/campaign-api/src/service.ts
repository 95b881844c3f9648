import { createDataSource } from '@dialer/db';
import { createLogger, createMetricsRegistry, listen, secretsKey, stopAll, type Logger } from '@dialer/platform';
import { closeRedis, ConcurrencyLease, createRedis, waitForRedis } from '@dialer/queue';
import type { Express } from 'express';
import { createApp } from './app';
import type { CampaignApiConfig } from './config';
import { ImportRunner } from './imports/import-runner';
import { autoWorkers } from './imports/prepare-pool';
import { startCampaignEvents } from './stats/campaign-events.hub';
import { loadCampaignStats } from './stats/campaign-stats';
import type { SessionSettings } from './users/sessions';

export function sessionSettings(cfg: Readonly<CampaignApiConfig>): SessionSettings {
  return {
    idleMs: cfg.SESSION_IDLE_MINUTES * 60_000, absoluteMs: cfg.SESSION_ABSOLUTE_HOURS * 3_600_000,
    cookieSecure: cfg.SESSION_COOKIE_SECURE, production: cfg.NODE_ENV === 'production', publicUrl: cfg.PUBLIC_URL,
    loginMaxFailuresPerAccount: cfg.LOGIN_MAX_FAILURES, loginMaxFailuresPerIp: cfg.LOGIN_MAX_FAILURES_PER_IP,
    loginLockoutMs: cfg.LOGIN_LOCKOUT_MINUTES * 60_000,
  };
}

export interface RunningService {
  port: number;
  stop(): Promise<void>;
  /** The express app (tests walk its /v1 router). */
  app: Express;
}

/**
 * Composition root: db → redis → live events → imports → HTTP. stop() closes everything in reverse.
 * The feeder, scheduler tick and reconciler run in services/scheduler.
 */
export async function startService(cfg: Readonly<CampaignApiConfig>, logger?: Logger): Promise<RunningService> {
  const log = logger ?? createLogger({ service: 'campaign-api', level: cfg.LOG_LEVEL });
  const steps: Array<[string, () => Promise<unknown> | unknown]> = [];
  const stop = async (): Promise<void> => {
    await stopAll([...steps].reverse(), log);
    steps.length = 0;
  };
  try {
    const ds = createDataSource({ url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA, applicationName: 'campaign-api' });
    await ds.initialize();
    steps.push(['db', () => ds.destroy()]);

    const redis = createRedis(cfg.REDIS_URL, 'producer', 'campaign-api');
    steps.push(['redis', () => closeRedis(redis)]);
    await waitForRedis(redis);

    const lease = new ConcurrencyLease(redis, cfg.QUEUE_PREFIX);
    const imports = new ImportRunner({
      ds, logger: log.child({ component: 'imports' }), dir: cfg.IMPORT_DIR, batchRows: cfg.IMPORT_BATCH_ROWS,
      workers: cfg.IMPORT_WORKERS === 0 ? autoWorkers() : Math.max(0, cfg.IMPORT_WORKERS),
      staleMs: cfg.IMPORT_STALE_MS, pollMs: cfg.IMPORT_POLL_MS, maxClaims: 5,
    });
    steps.push(['imports', () => imports.stop()]);
    await imports.start();
    const http: { server?: Awaited<ReturnType<typeof listen>> } = {};
    steps.push(['http', () => http.server?.close()]);
    // Registered once, after http: stop() ends the live event streams before the server closes (an
    // open SSE stream would keep server.close() waiting), then closes their Redis connection.
    const events = startCampaignEvents({
      redisUrl: cfg.REDIS_URL, prefix: cfg.QUEUE_PREFIX, logger: log.child({ component: 'events' }),
      loadStats: (tenantId, campaignId) => loadCampaignStats(ds, lease, tenantId, campaignId, { reportGraceMs: cfg.CAMPAIGN_REPORT_GRACE_MS }),
    });
    steps.push(['live events', () => events.stop()]);
    const app = createApp({
      ds, redis, lease, logger: log,
      registry: createMetricsRegistry('campaign-api'), secretsKey: secretsKey(cfg), production: cfg.NODE_ENV === 'production', csvMaxBytes: cfg.CSV_MAX_BYTES,
      events, imports, importMaxBytes: cfg.IMPORT_MAX_BYTES, reportGraceMs: cfg.CAMPAIGN_REPORT_GRACE_MS,
      keyPrefix: cfg.QUEUE_PREFIX, rateLimit: { max: cfg.RATE_LIMIT_MAX, windowMs: cfg.RATE_LIMIT_WINDOW_MS },
      jsonBodyMaxBytes: cfg.JSON_BODY_MAX_BYTES,
      corsOrigins: cfg.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
      sessions: sessionSettings(cfg),
      trustProxy: cfg.TRUST_PROXY,
      dashboardDir: cfg.DASHBOARD_DIR,
    });
    const server = await listen(app, cfg.CAMPAIGN_API_PORT);
    http.server = server;
    return { port: server.port, stop, app };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
