import { Gauge } from 'prom-client';
import { createDataSource, pingDatabase } from '@dialer/db';
import { createLogger, createMetricsRegistry, listen, secretsKey, stopAll, type Logger } from '@dialer/platform';
import { closeRedis, ConcurrencyLease, createRedis, waitForRedis } from '@dialer/queue';
import { createApp } from './app';
import type { SchedulerConfig } from './config';
import { Feeder } from './feeder/feeder';
import { Leadership, leaderKey } from './leadership';
import { Reconciler } from './reconciler/reconciler';
import { purgedRowsCounter, RetentionPurger } from './retention/retention-purger';

export interface RunningService {
  port: number;
  stop(): Promise<void>;
  leadership: Leadership;
  /** The feeder while this replica leads, else null (tests drive it). */
  readonly feeder: Feeder | null;
  /** The reconciler while this replica leads (and RECONCILER_INTERVAL_MS > 0), else null. */
  readonly reconciler: Reconciler | null;
  /** The retention purge while this replica leads (and RETENTION_PURGE_INTERVAL_HOURS > 0), else null. */
  readonly purger: RetentionPurger | null;
}

/**
 * Composition root: db → redis → HTTP (health, readiness, metrics) → leadership. Every replica
 * stands by; the one holding the leader lock of the queue prefix runs the feeder (with the scheduler
 * tick) and the reconciler, so their work and their per-process state exist once. stop() steps down
 * first (the loops finish their pass, the lock is released so a standby takes over at once), then
 * closes HTTP, redis, db.
 */
export async function startService(cfg: Readonly<SchedulerConfig>, logger?: Logger): Promise<RunningService> {
  const log = logger ?? createLogger({ service: 'scheduler', level: cfg.LOG_LEVEL });
  const steps: Array<[string, () => Promise<unknown> | unknown]> = [];
  const stop = async (): Promise<void> => {
    await stopAll([...steps].reverse(), log);
    steps.length = 0;
  };
  try {
    const ds = createDataSource({ url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA, applicationName: 'scheduler' });
    await ds.initialize();
    steps.push(['db', () => ds.destroy()]);

    const redis = createRedis(cfg.REDIS_URL, 'producer', 'scheduler');
    steps.push(['redis', () => closeRedis(redis)]);
    await waitForRedis(redis);

    const lease = new ConcurrencyLease(redis, cfg.QUEUE_PREFIX);
    const registry = createMetricsRegistry('scheduler');
    const leaderGauge = new Gauge({
      name: 'scheduler_leader', help: '1 while this replica holds the leader lock and runs the feeder and reconciler', registers: [registry],
    });
    leaderGauge.set(0);
    const purgedRows = purgedRowsCounter(registry);

    let feeder: Feeder | null = null;
    let reconciler: Reconciler | null = null;
    let purger: RetentionPurger | null = null;
    const lead = async (): Promise<() => Promise<void>> => {
      const subscriber = createRedis(cfg.REDIS_URL, 'worker', 'scheduler-feeder-sub');
      const f = new Feeder({
        ds, connection: redis, subscriber, prefix: cfg.QUEUE_PREFIX, logger: log.child({ component: 'feeder' }),
        intervalMs: cfg.FEEDER_INTERVAL_MS, orphanMs: cfg.FEEDER_ORPHAN_MS, slotGatherMs: cfg.FEEDER_SLOT_GATHER_MS,
        hopperMin: cfg.HOPPER_MIN, hopperFactor: cfg.HOPPER_FACTOR,
      });
      try {
        await f.start();
      } catch (err) {
        await f.stop();
        throw err;
      }
      const r = cfg.RECONCILER_INTERVAL_MS > 0
        ? new Reconciler({
          ds, redis, prefix: cfg.QUEUE_PREFIX, lease, secretsKey: secretsKey(cfg), logger: log.child({ component: 'reconciler' }),
          intervalMs: cfg.RECONCILER_INTERVAL_MS, graceMs: cfg.RECONCILE_GRACE_MS, orphanSlotMs: cfg.RECONCILE_ORPHAN_SLOT_MS,
          leaseTtlMs: cfg.LEASE_TTL_MS, staleRingingMs: cfg.RECONCILE_STALE_RINGING_MS, staleAnsweredMs: cfg.RECONCILE_STALE_ANSWERED_MS,
          recheckMs: cfg.RECONCILE_RECHECK_MS, batchSize: cfg.RECONCILE_BATCH, lookupsPerConnection: cfg.RECONCILE_LOOKUPS_PER_CONNECTION,
        })
        : null;
      r?.start();
      const p = cfg.RETENTION_PURGE_INTERVAL_HOURS > 0
        ? new RetentionPurger({
          ds, logger: log.child({ component: 'retention' }), timeUtc: cfg.RETENTION_PURGE_TIME_UTC,
          intervalHours: cfg.RETENTION_PURGE_INTERVAL_HOURS, batch: cfg.RETENTION_PURGE_BATCH, counter: purgedRows,
        })
        : null;
      p?.start();
      feeder = f;
      reconciler = r;
      purger = p;
      return async () => {
        feeder = null;
        reconciler = null;
        purger = null;
        await p?.stop();
        await r?.stop();
        await f.stop();
      };
    };
    const leadership = new Leadership({
      redis, key: leaderKey(cfg.QUEUE_PREFIX), ttlMs: cfg.SCHEDULER_LEADER_TTL_MS, retryMs: cfg.SCHEDULER_LEADER_RETRY_MS,
      logger: log.child({ component: 'leadership' }), lead, onChange: (leading) => leaderGauge.set(leading ? 1 : 0),
    });

    const app = createApp({
      logger: log, registry,
      checks: { db: () => pingDatabase(ds), redis: () => redis.ping() },
      role: () => (leadership.leading ? 'leader' : 'standby'),
    });
    const server = await listen(app, cfg.SCHEDULER_PORT);
    steps.push(['http', () => server.close()]);

    leadership.start();
    steps.push(['leadership', () => leadership.stop()]);

    return {
      port: server.port, stop, leadership,
      get feeder() {
        return feeder;
      },
      get reconciler() {
        return reconciler;
      },
      get purger() {
        return purger;
      },
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
