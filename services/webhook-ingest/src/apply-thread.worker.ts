import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createDataSource } from '@dialer/db';
import { createLogger } from '@dialer/platform';
import { closeRedis, ConcurrencyLease, createQueue, createRedis, waitForRedis } from '@dialer/queue';
import type { ApplyOutcome, StoredCallEvent } from './apply-call-event';
import { applyEventBatch } from './apply-event-batch';
import { ApplyQueue } from './apply-queue';
import type { ApplyThreadConfig, FromApplyThread, ToApplyThread } from './apply-thread';

/**
 * The apply thread (see ApplyThread): its own event loop, Postgres pool and Redis connection, so
 * applying stored events never waits behind the HTTP requests of the main thread. Its log lines go
 * to the main thread's logger.
 */
async function run(port: NonNullable<typeof parentPort>, cfg: ApplyThreadConfig): Promise<void> {
  const send = (m: FromApplyThread): void => port.postMessage(m);
  const logger = createLogger({ service: 'webhook-ingest', level: cfg.LOG_LEVEL, destination: { write: (line: string) => send({ log: line }) } });
  lowerThreadPriority(cfg.WEBHOOK_APPLY_NICE, logger);
  const ds = createDataSource({
    url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA, applicationName: 'webhook-ingest-apply', poolSize: cfg.WEBHOOK_APPLY_DB_POOL, asyncCommit: true,
  });
  await ds.initialize();
  const redis = createRedis(cfg.REDIS_URL, 'producer', 'webhook-ingest-apply');
  await waitForRedis(redis);
  const callFinishedQueue = createQueue('callFinished', redis, cfg.QUEUE_PREFIX);
  const deps = { ds, lease: new ConcurrencyLease(redis, cfg.QUEUE_PREFIX), callFinishedQueue, logger };
  const queue = new ApplyQueue<StoredCallEvent>(cfg.WEBHOOK_APPLY_BATCH, async (batch) => {
    const results: Partial<Record<ApplyOutcome, number>> = {};
    try {
      for (const r of await applyEventBatch(deps, batch, cfg.WEBHOOK_APPLY_CONCURRENCY)) results[r] = (results[r] ?? 0) + 1;
    } finally {
      send({ done: batch.length, results });
    }
  }, logger);

  port.on('message', (m: ToApplyThread) => {
    if ('events' in m) {
      for (const e of m.events) queue.push(e);
      return;
    }
    // Stop: the batch being applied finishes; what waits is left to the sweeper (stored already).
    void (async () => {
      await queue.stop();
      await callFinishedQueue.close();
      await closeRedis(redis);
      await ds.destroy();
      send({ stopped: true });
    })().catch((err: unknown) => {
      logger.error({ err }, 'stopping the apply thread failed');
      send({ stopped: true });
    });
  });
  send({ ready: true });
}

/**
 * Answering providers comes first: when the machine is short of CPU (a burst), the main thread
 * accepts and stores at full speed and this thread applies with what is left, catching up as soon
 * as there is CPU to spare. On Linux setpriority() on a thread id changes that thread only; its id
 * is read from /proc/thread-self. Elsewhere (or when not allowed) it runs at the process's priority.
 */
function lowerThreadPriority(nice: number, logger: { warn: (o: object, m: string) => void }): void {
  if (nice === 0 || process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch (err) {
    logger.warn({ err, nice }, 'could not lower the apply thread\'s priority; it runs at the process\'s');
  }
}

if (!parentPort) throw new Error('apply-thread.worker runs as a worker thread of webhook-ingest');
void run(parentPort, workerData as ApplyThreadConfig).catch((err: unknown) => {
  parentPort?.postMessage({ failed: (err as Error)?.message ?? String(err) } satisfies FromApplyThread);
});
