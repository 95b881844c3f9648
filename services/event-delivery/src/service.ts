import { Counter, Histogram } from 'prom-client';
import { createDataSource, pingDatabase } from '@dialer/db';
import { deliveryRetryDelayMs } from '@dialer/domain';
import { createLogger, createMetricsRegistry, listen, secretsKey, stopAll, type Logger } from '@dialer/platform';
import { closeRedis, createQueue, createRedis, createWorker, waitForRedis } from '@dialer/queue';
import { createApp } from './app';
import { guardsAddresses, type EventDeliveryConfig } from './config';
import { deliveryProcessor } from './delivery.processor';
import { Agents } from './post-signed';
import { Relay } from './relay';

export interface RunningService {
  port: number;
  relay: Relay;
  stop(): Promise<void>;
}

/**
 * Composition root: db → redis → queue → relay (outbox → delivery jobs) + delivery worker → HTTP
 * (health, readiness, metrics). Every replica runs both: the relay's rows are taken with FOR UPDATE
 * SKIP LOCKED and the jobs by BullMQ, so replicas share the work. stop() stops taking work, lets the
 * deliveries in flight finish, then closes HTTP, redis, db.
 */
export async function startService(cfg: Readonly<EventDeliveryConfig>, logger?: Logger): Promise<RunningService> {
  const log = logger ?? createLogger({ service: 'event-delivery', level: cfg.LOG_LEVEL });
  const steps: Array<[string, () => Promise<unknown> | unknown]> = [];
  const stop = (): Promise<void> => stopAll([...steps].reverse(), log);
  try {
    const ds = createDataSource({ url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA, applicationName: 'event-delivery' });
    await ds.initialize();
    steps.push(['db', () => ds.destroy()]);

    const redis = createRedis(cfg.REDIS_URL, 'producer', 'event-delivery');
    steps.push(['redis', () => closeRedis(redis)]);
    const workerRedis = createRedis(cfg.REDIS_URL, 'worker', 'event-delivery-worker');
    steps.push(['worker redis', () => closeRedis(workerRedis)]);
    await Promise.all([waitForRedis(redis), waitForRedis(workerRedis)]);

    const queue = createQueue('webhookDelivery', redis, cfg.QUEUE_PREFIX);
    steps.push(['queue', () => queue.close()]);

    const registry = createMetricsRegistry('event-delivery');
    const metrics = {
      deliveries: new Counter({ name: 'webhook_deliveries_total', help: 'Delivery attempts by result', labelNames: ['result'] as const, registers: [registry] }),
      latency: new Histogram({ name: 'webhook_delivery_seconds', help: 'Time an endpoint took to answer', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    };
    const agents = new Agents(guardsAddresses(cfg), Math.max(64, cfg.DELIVERY_CONCURRENCY));
    steps.push(['agents', () => agents.destroy()]);

    const worker = createWorker('webhookDelivery', deliveryProcessor({
      ds, secretsKey: secretsKey(cfg), agents, endpointConcurrency: cfg.ENDPOINT_CONCURRENCY, logger: log, metrics,
      post: { timeoutMs: cfg.DELIVERY_TIMEOUT_MS, excerptBytes: cfg.RESPONSE_EXCERPT_BYTES, guard: guardsAddresses(cfg) },
    }), workerRedis, cfg.QUEUE_PREFIX, {
      concurrency: cfg.DELIVERY_CONCURRENCY,
      lockDuration: cfg.DELIVERY_LOCK_MS,
      stalledInterval: cfg.DELIVERY_LOCK_MS,
      // A delivery whose replica died twice mid-request is still retried (the receiver deduplicates by webhook-id).
      maxStalledCount: 10,
      settings: { backoffStrategy: (attemptsMade: number) => deliveryRetryDelayMs(attemptsMade, Math.random(), cfg.DELIVERY_RETRY_BASE_MS) },
    });
    // A failed attempt is in the delivery log; here only the worker's own trouble.
    worker.on('error', (err) => log.error({ err }, 'webhook-delivery worker error'));
    steps.push(['worker', () => worker.close()]);

    const relay = new Relay({ ds, queue, logger: log.child({ component: 'relay' }), intervalMs: cfg.RELAY_INTERVAL_MS, batch: cfg.RELAY_BATCH });
    relay.start();
    steps.push(['relay', () => relay.stop()]);

    const server = await listen(createApp({ logger: log, registry, checks: { db: () => pingDatabase(ds), redis: () => redis.ping() } }), cfg.EVENT_DELIVERY_PORT);
    steps.push(['http', () => server.close()]);

    let stopping: Promise<void> | undefined;
    return { port: server.port, relay, stop: () => (stopping ??= stop()) };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
