import type { Worker } from 'bullmq';
import { leaseRecoveryFromPostgres } from '@dialer/calls';
import { createDataSource, pingDatabase } from '@dialer/db';
import { createLogger, listen, maskPhones, secretsKey, stopAll, type Logger } from '@dialer/platform';
import {
  CallerIdUsage, closeRedis, ConcurrencyLease, createQueue, createRedis, createWorker, RateLimit, waitForRedis,
} from '@dialer/queue';
import { createApp } from './app';
import { CampaignSettings } from './campaign-settings';
import type { DialerWorkerConfig } from './config';
import { createDialProcessor } from './dial.processor';
import { createDialerMetrics } from './dialer.metrics';
import { createDialBatches } from './dial-batches';
import { CallerIdChooser } from './caller-ids';
import { ProviderAdapters } from './provider-adapters';
import { PreDialClient } from './pre-dial';

export interface RunningService {
  port: number;
  stop(): Promise<void>;
}

/** Delay before a lead whose campaign's provider is unusable is fed again. */
const SETUP_RETRY_DELAY_MS = 60_000;
/** Delay before a lead the provider kept refusing for capacity (job out of tries) is fed again. */
const CAPACITY_RETRY_DELAY_MS = 30_000;

/**
 * Composition root: db → redis → lease and call-finished queue → HTTP (health, metrics) → dial worker.
 * stop() runs in reverse: drains the worker (in-flight jobs finish), then closes HTTP, queue, redis, db.
 */
export async function startService(cfg: Readonly<DialerWorkerConfig>, logger?: Logger): Promise<RunningService> {
  const log = logger ?? createLogger({ service: 'dialer-worker', level: cfg.LOG_LEVEL });
  const steps: Array<[string, () => Promise<unknown> | unknown]> = [];
  const stop = () => stopAll([...steps].reverse(), log);

  try {
    const ds = createDataSource({
      url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA, poolSize: cfg.DB_POOL_SIZE, applicationName: 'dialer-worker',
    });
    await ds.initialize();
    steps.push(['db', () => ds.destroy()]);

    // Commands (lease, call-finished jobs) fail fast; the worker's own connection waits for Redis.
    const commands = createRedis(cfg.REDIS_URL, 'producer', 'dialer-worker:commands');
    steps.push(['redis commands', () => closeRedis(commands)]);
    const workerConn = createRedis(cfg.REDIS_URL, 'worker', 'dialer-worker:worker');
    steps.push(['redis worker', () => closeRedis(workerConn)]);
    await Promise.all([waitForRedis(commands), waitForRedis(workerConn)]);

    const callFinished = createQueue('callFinished', commands, cfg.QUEUE_PREFIX);
    steps.push(['call-finished queue', () => callFinished.close()]);

    const metrics = createDialerMetrics();
    const lease = new ConcurrencyLease(commands, cfg.QUEUE_PREFIX);
    // When Redis lost the leases (FLUSHALL, a restart without persistence), the first dial that
    // notices rebuilds them from Postgres before any slot is granted.
    const leaseRecovery = leaseRecoveryFromPostgres(ds, lease, cfg.LEASE_TTL_MS, log);
    // Campaigns' pre-dial hooks; private and loopback targets only outside production (SSRF guard).
    const preDial = new PreDialClient({ secretsKey: secretsKey(cfg), allowPrivate: cfg.NODE_ENV !== 'production' });
    steps.push(['pre-dial client', () => preDial.close()]);
    const processor = createDialProcessor({
      metrics,
      leaseRetryMs: cfg.LEASE_RETRY_MS,
      dial: {
        ds,
        lease,
        leaseRecovery,
        campaigns: new CampaignSettings(ds, cfg.CAMPAIGN_SETTINGS_TTL_MS),
        providers: new ProviderAdapters(ds, secretsKey(cfg), cfg.PROVIDER_TIMEOUT_MS, new RateLimit(commands, cfg.QUEUE_PREFIX), undefined,
          new CallerIdChooser(ds, new CallerIdUsage(commands, cfg.QUEUE_PREFIX))),
        preDial,
        callFinishedQueue: callFinished,
        batches: createDialBatches(ds),
        observeProviderSeconds: (s) => metrics.providerSeconds.observe(s),
        logger: log,
        settings: {
          leaseTtlMs: cfg.LEASE_TTL_MS,
          webhookPublicUrl: cfg.WEBHOOK_PUBLIC_URL,
          setupRetryDelayMs: SETUP_RETRY_DELAY_MS,
          capacityRetryDelayMs: CAPACITY_RETRY_DELAY_MS,
          windowDelayMaxMs: cfg.WINDOW_DELAY_MAX_MS,
        },
      },
    });

    const app = createApp({
      logger: log,
      registry: metrics.registry,
      checks: { db: () => pingDatabase(ds), redis: () => commands.ping() },
    });
    const server = await listen(app, cfg.DIALER_WORKER_PORT);
    steps.push(['http', () => server.close()]);

    const worker: Worker = createWorker('dial', processor, workerConn, cfg.QUEUE_PREFIX, {
      concurrency: cfg.DIALER_CONCURRENCY,
      lockDuration: cfg.DIALER_LOCK_MS,
      stalledInterval: cfg.DIALER_LOCK_MS,
      autorun: false,
    });
    worker.on('error', (err) => log.error({ error: maskPhones(err.message) }, 'dial worker error'));
    worker.on('failed', (job, err) => {
      log.warn({ jobId: job?.id, attemptsMade: job?.attemptsMade, error: maskPhones(err.message) }, 'dial job failed');
    });
    steps.push(['dial worker', () => worker.close()]);

    // Runs until close(); close() lets the jobs in flight finish.
    worker.run().catch((err: unknown) => log.error({ error: maskPhones((err as Error).message) }, 'dial worker stopped'));
    await worker.waitUntilReady();

    return { port: server.port, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
