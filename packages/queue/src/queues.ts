import { Queue, Worker, type Processor, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES, type QueueKey } from './catalog';

export function createQueue(key: QueueKey, connection: Redis, prefix: string): Queue {
  const def = QUEUES[key];
  return new Queue(def.name, { connection, prefix, defaultJobOptions: def.options });
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
