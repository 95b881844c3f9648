import { Queue, Worker, type Processor, type WorkerOptions } from 'bullmq';
import type { Redis } from './redis';
import { EVENTS_STREAM_MAX_LEN, QUEUES, type QueueKey } from './catalog';

export function createQueue(key: QueueKey, connection: Redis, prefix: string): Queue {
  const def = QUEUES[key];
  return new Queue(def.name, { connection, prefix, defaultJobOptions: def.options, streams: { events: { maxLen: EVENTS_STREAM_MAX_LEN } } });
}

export function createWorker(
  key: QueueKey,
  processor: Processor,
  connection: Redis,
  prefix: string,
  opts: Partial<WorkerOptions> = {},
): Worker {
  return new Worker(QUEUES[key].name, processor, {
    connection,
    prefix,
    concurrency: 10,
    autorun: true,
    ...opts,
  });
}
