import IORedis, { Cluster, type ClusterOptions, type Redis as SingleRedis, type RedisOptions } from 'ioredis';

/**
 * A connection to our Redis: one server, or a Redis Cluster (`REDIS_URL=redis+cluster://…`). Both
 * speak the same commands; every key we use carries the hash-tagged prefix (QUEUE_PREFIX, like
 * `{dialer}`), so on a Cluster they all live in one slot and multi-key scripts, MULTI and BullMQ work.
 */
export type Redis = SingleRedis | Cluster;

/** Where REDIS_URL points: one server (the URL as ioredis takes it) or the seed nodes of a Cluster. */
export type RedisTarget =
  | { cluster: false; url: string }
  | { cluster: true; nodes: Array<{ host: string; port: number }>; username?: string; password?: string; tls: boolean };

const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:([^@/?#]*)@)?([^/?#]+)(?:\/(\d*))?$/;

/**
 * Reads REDIS_URL. `redis+cluster://[user:password@]host1:port1,host2:port2,…` (or `rediss+cluster://`
 * for TLS) names a Redis Cluster by some of its nodes (the rest are discovered); anything else is one
 * server's URL. Throws a clear message for a cluster URL it cannot read.
 */
export function parseRedisUrl(url: string): RedisTarget {
  if (!/^rediss?\+cluster:/.test(url)) return { cluster: false, url };
  const m = CLUSTER_URL.exec(url);
  const bad = (why: string) => new Error(`configuration error: REDIS_URL names a Redis Cluster but ${why} ` +
    '(expected redis+cluster://[user:password@]host1:port1,host2:port2,…)');
  if (!m) throw bad('cannot be read');
  const [, scheme, auth, hostList, db] = m;
  if (db && db !== '0') throw bad(`selects database ${db}: a Cluster has only database 0`);
  const nodes = hostList!.split(',').map((n) => n.trim()).filter(Boolean).map((node) => {
    let u: URL;
    try {
      u = new URL(`redis://${node}`);
    } catch {
      throw bad(`has an unreadable node "${node}"`);
    }
    if (u.username || u.password || u.pathname !== '' || !u.hostname) throw bad(`has an unreadable node "${node}"`);
    return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port ? Number(u.port) : 6379 };
  });
  if (!nodes.length) throw bad('lists no node');
  const [user, ...pass] = auth ? auth.split(':') : [];
  return {
    cluster: true, nodes, tls: scheme === 'rediss',
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(pass.length ? { password: decodeURIComponent(pass.join(':')) } : {}),
  };
}

/**
 * Workers (and anything that blocks) use maxRetriesPerRequest null, as BullMQ requires; producers
 * fail fast instead of queueing commands while Redis is away. The same holds on a Cluster, where
 * these options apply to each node's connection.
 */
export function createRedis(url: string, role: 'worker' | 'producer', name?: string): Redis {
  const opts: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true, connectionName: name }
      : { maxRetriesPerRequest: 2, enableOfflineQueue: false, connectTimeout: 5_000, connectionName: name };
  const target = parseRedisUrl(url);
  let client: Redis;
  if (target.cluster) {
    const clusterOpts: ClusterOptions = {
      // Ready once CLUSTER INFO says cluster_state:ok and the slots are known.
      enableReadyCheck: true,
      enableOfflineQueue: role === 'worker',
      redisOptions: {
        ...opts,
        ...(target.username ? { username: target.username } : {}),
        ...(target.password ? { password: target.password } : {}),
        ...(target.tls ? { tls: {} } : {}),
      },
    };
    client = new Cluster(target.nodes, clusterOpts);
  } else {
    client = new IORedis(target.url, { ...opts, lazyConnect: false });
  }
  // Errors are reported through the caller's readiness checks; an unhandled 'error' event would crash.
  client.on('error', () => undefined);
  return client;
}

/**
 * Every key that starts with `prefix` (taken literally, not as a pattern). On a Cluster each master
 * is scanned: SCAN sent to the Cluster object would read one node chosen at random.
 */
export async function scanKeys(redis: Redis, prefix: string): Promise<string[]> {
  const match = `${prefix.replace(/[{}[\]*?\\]/g, (c) => `\\${c}`)}*`;
  const nodes: SingleRedis[] = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as SingleRedis];
  const out: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      out.push(...keys);
    } while (cursor !== '0');
  }
  return out;
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
