import { createDataSource } from '@dialer/db';
import {
  createLogger, createMetricsRegistry, listen, secretsKey, stopAll, type Logger, type RunningServer,
} from '@dialer/platform';
import { closeRedis, ConcurrencyLease, createQueue, createRedis, waitForRedis } from '@dialer/queue';
import { createApp } from './app';
import { ApplyThread } from './apply-thread';
import { EventWriter } from './event-writer';
import type { WebhookIngestConfig } from './config';
import { ConnectionCache } from './connection-cache';
import { createWebhookMetrics } from './webhook.metrics';
import { WebhookSweeper } from './webhook.sweeper';

export interface RunningService {
  port: number;
  stop(): Promise<void>;
}

/** Composition root: db → redis → queue → sweeper → HTTP; stop() closes them in reverse. */
export async function startService(cfg: Readonly<WebhookIngestConfig>, logger?: Logger): Promise<RunningService> {
  const log = logger ?? createLogger({ service: 'webhook-ingest', level: cfg.LOG_LEVEL });
  const key = secretsKey(cfg);
  const steps: Array<[string, () => Promise<unknown> | unknown]> = [];
  const stop = (): Promise<void> => stopAll([...steps].reverse(), log);

  try {
    const ds = createDataSource({
      url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA, applicationName: 'webhook-ingest', poolSize: cfg.WEBHOOK_DB_POOL,
    });
    await ds.initialize();
    steps.push(['db', () => ds.destroy()]);

    // One producer connection: the fold queue and the lease scripts (fail fast, never blocking).
    const redis = createRedis(cfg.REDIS_URL, 'producer', 'webhook-ingest');
    steps.push(['redis', () => closeRedis(redis)]);
    await waitForRedis(redis);
    const callFinishedQueue = createQueue('callFinished', redis, cfg.QUEUE_PREFIX);
    steps.push(['queue', () => callFinishedQueue.close()]);
    const lease = new ConcurrencyLease(redis, cfg.QUEUE_PREFIX);

    const registry = createMetricsRegistry('webhook-ingest');
    const metrics = createWebhookMetrics(registry);
    const connections = new ConnectionCache(ds, key, cfg.WEBHOOK_ADAPTER_CACHE_MS);
    // The sweeper applies on its own pool, with asynchronous commits: the stored event (committed
    // synchronously before the answer) is the durable record, and the sweeper re-applies any event whose
    // application a Postgres crash took back (idempotent, forward-only). Any later synchronous commit
    // (a fold, a dial) flushes the WAL before it, so nothing built on a lost apply survives it.
    const applyDs = createDataSource({
      url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA, applicationName: 'webhook-ingest-sweep', poolSize: Math.min(4, cfg.WEBHOOK_APPLY_DB_POOL), asyncCommit: true,
    });
    await applyDs.initialize();
    steps.push(['sweep db', () => applyDs.destroy()]);
    const applyDeps = { ds: applyDs, lease, callFinishedQueue, logger: log };

    // Stored events are applied in the background on the apply thread (the same pool settings and
    // asynchronous commits); what a stop leaves waiting, the sweeper applies.
    const applyQueue = await ApplyThread.start(cfg, log, (results) => {
      for (const [result, n] of Object.entries(results)) metrics.applied.inc({ result }, n);
    });
    steps.push(['apply thread', () => applyQueue.stop()]);
    const writer = new EventWriter(ds, { maxBatch: cfg.WEBHOOK_WRITE_BATCH, maxInFlight: cfg.WEBHOOK_WRITE_IN_FLIGHT });
    steps.push(['event writer', () => writer.close()]);

    const sweeper = new WebhookSweeper({
      ...applyDeps, connections, metrics, intervalMs: cfg.WEBHOOK_SWEEP_MS, giveUpMs: cfg.WEBHOOK_UNMATCHED_GIVE_UP_MS,
      backlog: () => applyQueue.pending,
    });
    sweeper.start();
    steps.push(['sweeper', () => sweeper.stop()]);

    const app = createApp({
      ...applyDeps, ds, redis, registry, metrics, connections, writer, applyQueue, publicUrl: cfg.WEBHOOK_PUBLIC_URL.replace(/\/+$/, ''),
    });
    const http: RunningServer = await listen(app, cfg.WEBHOOK_INGEST_PORT);
    steps.push(['http', () => http.close()]);

    let stopping: Promise<void> | undefined;
    return { port: http.port, stop: () => (stopping ??= stop()) };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
