import IORedis, { type Redis, type RedisOptions } from 'ioredis';

export type { Redis } from 'ioredis';

/**
 * Workers (and anything that blocks) use maxRetriesPerRequest null, as BullMQ requires; producers
 * fail fast instead of queueing commands while Redis is away.
 */
export function createRedis(url: string, role: 'worker' | 'producer', name?: string): Redis {
  const opts: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true, connectionName: name }
      : { maxRetriesPerRequest: 2, enableOfflineQueue: false, connectTimeout: 5_000, connectionName: name };
  const client = new IORedis(url, { ...opts, lazyConnect: false });
  // Errors are reported through the caller's readiness checks; an unhandled 'error' event would crash.
  client.on('error', () => undefined);
  return client;
}

/** Resolves once the client is ready (or rejects after the timeout). */
export async function waitForRedis(client: Redis, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis not ready after ${timeoutMs} ms`)), timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function closeRedis(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
