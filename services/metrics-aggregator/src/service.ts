import { createDataSource } from '@dialer/db';
import { createLogger, createMetricsRegistry, listen, stopAll, type Logger, type RunningServer } from '@dialer/platform';
import { closeRedis, ConcurrencyLease, createQueue, createRedis, createWorker, waitForRedis } from '@dialer/queue';
import { createAggregatorMetrics } from './aggregator.metrics';
import { AggregatorSweeper } from './aggregator.sweeper';
import { createApp } from './app';
import { callFinishedProcessor } from './call-finished.processor';
import { CampaignEventsPublisher } from './campaign-events.publisher';
import { LeadCountsFolder } from './lead-counts.folder';
import type { MetricsAggregatorConfig } from './config';

export interface RunningService {
  port: number;
  stop(): Promise<void>;
}

/** Composition root: db → redis → queues → worker + counts fold + sweeper → HTTP; stop() closes them in reverse. */
export async function startService(cfg: Readonly<MetricsAggregatorConfig>, logger?: Logger): Promise<RunningService> {
  const log = logger ?? createLogger({ service: 'metrics-aggregator', level: cfg.LOG_LEVEL });
  const steps: Array<[string, () => Promise<unknown> | unknown]> = [];
  const stop = (): Promise<void> => stopAll([...steps].reverse(), log);

  try {
    const ds = createDataSource({ url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA, applicationName: 'metrics-aggregator' });
    await ds.initialize();
    steps.push(['db', () => ds.destroy()]);

    const redis = createRedis(cfg.REDIS_URL, 'producer', 'metrics-aggregator');
    steps.push(['redis', () => closeRedis(redis)]);
    const workerRedis = createRedis(cfg.REDIS_URL, 'worker', 'metrics-aggregator-worker');
    steps.push(['worker redis', () => closeRedis(workerRedis)]);
    await Promise.all([waitForRedis(redis), waitForRedis(workerRedis)]);

    const queues = [createQueue('dial', redis, cfg.QUEUE_PREFIX), createQueue('callFinished', redis, cfg.QUEUE_PREFIX)];
    steps.push(['queues', () => Promise.all(queues.map((q) => q.close()))]);

    const registry = createMetricsRegistry('metrics-aggregator');
    const metrics = createAggregatorMetrics(registry, { ds, queues, lease: new ConcurrencyLease(redis, cfg.QUEUE_PREFIX), logger: log });
    const events = new CampaignEventsPublisher(redis, cfg.QUEUE_PREFIX, log);
    const deps = { ds, metrics, events, logger: log, reportGraceMs: cfg.CAMPAIGN_REPORT_GRACE_MS };

    const worker = createWorker('callFinished', callFinishedProcessor(deps), workerRedis, cfg.QUEUE_PREFIX, {
      concurrency: cfg.AGGREGATOR_CONCURRENCY,
    });
    worker.on('failed', (job, err) => log.warn({ err, jobId: job?.id, attemptsMade: job?.attemptsMade }, 'callFinished job failed'));
    worker.on('error', (err) => log.error({ err }, 'callFinished worker error'));
    steps.push(['worker', () => worker.close()]);

    const counts = new LeadCountsFolder({ ds, events, logger: log, intervalMs: cfg.AGGREGATOR_COUNTS_MS });
    counts.start();
    steps.push(['lead counts fold', () => counts.stop()]);

    const sweeper = new AggregatorSweeper({ ...deps, intervalMs: cfg.AGGREGATOR_SWEEP_MS });
    sweeper.start();
    steps.push(['sweeper', () => sweeper.stop()]);

    const http: RunningServer = await listen(createApp({ ds, redis, registry, logger: log }), cfg.METRICS_AGGREGATOR_PORT);
    steps.push(['http', () => http.close()]);

    let stopping: Promise<void> | undefined;
    return { port: http.port, stop: () => (stopping ??= stop()) };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
