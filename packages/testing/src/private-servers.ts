import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import IORedis from 'ioredis';
import { freePort } from './stack';

const run = promisify(execFile);

/**
 * Servers of one test's own, for fault tests that flush or restart them: the shared Postgres and
 * Redis that other test files use in parallel are never touched.
 */

export interface PrivateRedis {
  url: string;
  port: number;
  /** FLUSHALL: Redis loses everything. */
  flushAll(): Promise<void>;
  /** Stops and starts the server on the same port, empty (no persistence). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server on a free port, without persistence (`--save "" --appendonly no`). */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const start = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor(async () => {
      const c = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return (await c.ping()) === 'PONG';
      } finally {
        c.disconnect();
      }
    }, `redis-server on port ${port}`);
  };
  const halt = async (): Promise<void> => {
    const c = child as ChildProcess | null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url, port,
    async flushAll() {
      const c = new IORedis(url, { maxRetriesPerRequest: 1 });
      try {
        await c.flushall();
      } finally {
        c.disconnect();
      }
    },
    async restart() {
      await halt();
      await start();
    },
    stop: halt,
  };
}

export interface PrivateRedisCluster {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`: REDIS_URL for the services. */
  url: string;
  /** The masters' client ports. */
  ports: number[];
  /** Keys held by each master (DBSIZE), in the order of `ports`. */
  keysPerNode(): Promise<number[]>;
  /** Stops every node and deletes their directories. */
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of `masters` redis-servers (no replicas) on free ports, each with its own temp dir
 * and cluster bus port, without persistence; formed with `redis-cli --cluster create` and ready when
 * every node reports `cluster_state:ok`. Needs redis-server 7+ (`--cluster-port`: the bus port is
 * picked free too, not the client port + 10000, which may fall in the ephemeral range).
 */
export async function startPrivateRedisCluster(masters = 3): Promise<PrivateRedisCluster> {
  const ports: number[] = [];
  const busPorts: number[] = [];
  for (let i = 0; i < masters; i++) {
    ports.push(await freePort());
    busPorts.push(await freePort());
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'dialer-redis-cluster-'));
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    }));
    rmSync(dir, { recursive: true, force: true });
  };
  const probe = async <T>(port: number, use: (c: IORedis) => Promise<T>): Promise<T> => {
    const c = new IORedis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return await use(c);
    } finally {
      c.disconnect();
    }
  };
  try {
    ports.forEach((port, i) => {
      const nodeDir = path.join(dir, String(port));
      mkdirSync(nodeDir);
      children.push(spawn('redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir, '--save', '', '--appendonly', 'no',
        '--cluster-enabled', 'yes', '--cluster-port', String(busPorts[i]), '--cluster-config-file', 'nodes.conf',
        '--cluster-node-timeout', '5000',
      ], { stdio: 'ignore' }));
    });
    await Promise.all(ports.map((port) => waitFor(() => probe(port, async (c) => (await c.ping()) === 'PONG'), `redis-server on port ${port}`)));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(ports.map((port) => waitFor(
      () => probe(port, async (c) => /cluster_state:ok/.test(String(await c.call('CLUSTER', 'INFO')))), `cluster_state:ok on port ${port}`)));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    keysPerNode: () => Promise.all(ports.map((port) => probe(port, (c) => c.dbsize()))),
    stop,
  };
}

export interface PrivatePostgres {
  /** URL of the cluster's `postgres` database (trust auth). */
  url: string;
  port: number;
  /** The server's log file (until stop()). */
  logFile: string;
  /** pg_ctl restart -m fast: every connection is cut, the data stays. */
  restart(): Promise<void>;
  /** Stops the cluster and deletes its directory. */
  stop(): Promise<void>;
}

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A Postgres cluster of its own (initdb in a temp dir, trust auth, free port); about a second to
 * start. `settings`: more server settings (`-c name=value`), e.g. pg_stat_statements for a bench.
 */
export async function startPrivatePostgres(settings: Record<string, string> = {}): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'dialer-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (bin: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args]) : run(path.join(PG_BIN, bin), args);
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200${
    Object.entries(settings).map(([k, v]) => ` -c ${k}=${v}`).join('')}`;
  const ctl = (args: string[]) => pg('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-o', opts, '-w', '-t', '60', ...args]);
  await ctl(['start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor(async () => {
    const c = new Client({ connectionString: url });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } finally {
      await c.end().catch(() => undefined);
    }
  }, `postgres on port ${port}`);
  return {
    url, port, logFile: path.join(dir, 'log'),
    async restart() {
      await ctl(['restart', '-m', 'fast']);
    },
    async stop() {
      await ctl(['stop', '-m', 'immediate']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
