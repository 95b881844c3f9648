import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export const SERVICES = ['provider-sim', 'campaign-api', 'scheduler', 'webhook-ingest', 'metrics-aggregator', 'event-delivery', 'dialer-worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const PORT_ENV: Record<ServiceName, string> = {
  'campaign-api': 'CAMPAIGN_API_PORT',
  scheduler: 'SCHEDULER_PORT',
  'webhook-ingest': 'WEBHOOK_INGEST_PORT',
  'metrics-aggregator': 'METRICS_AGGREGATOR_PORT',
  'dialer-worker': 'DIALER_WORKER_PORT',
  'provider-sim': 'PROVIDER_SIM_PORT',
  'event-delivery': 'EVENT_DELIVERY_PORT',
};

export const DEFAULT_PORTS: Record<ServiceName, number> = {
  'campaign-api': 3000,
  scheduler: 3004,
  'webhook-ingest': 3001,
  'metrics-aggregator': 3002,
  'dialer-worker': 3003,
  'provider-sim': 3010,
  'event-delivery': 3005,
};

/** A free TCP port on the loopback interface. */
/** Ports below Linux's ephemeral range (32768–60999), so no outgoing connection can take one first. */
const PORT_MIN = 20_000;
const PORT_MAX = 32_000;
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
  });
}

/**
 * A port free for a service to listen on. Picked at random below the ephemeral range: a port the
 * OS hands out for listen(0) may be taken by some process's outgoing connection before the
 * service binds it (EADDRINUSE under parallel tests). Never the same port twice in one process.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = PORT_MIN + Math.floor(Math.random() * (PORT_MAX - PORT_MIN));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port found in ${PORT_MIN}–${PORT_MAX}`);
}

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything it printed, for diagnostics when a test fails. */
  output(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  env: Record<string, string>;
  port: number;
  /** Keep the last N characters of output (default 200k). */
  keepOutput?: number;
  /** Write the child's output through to this stream as well. */
  echo?: NodeJS.WritableStream;
  /** Extra instance label (several replicas of one service). */
  instance?: string;
  /** Run the compiled `dist/main.js` with plain Node (as the images do; needs `pnpm build`) instead of the sources with tsx. */
  compiled?: boolean;
  /** Extra Node options before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not allow). */
  nodeArgs?: string[];
}

/** Starts one service as its own process (tsx on its main.ts, or its compiled main.js) and waits for its /healthz. */
export async function spawnService(name: ServiceName, opts: SpawnOptions): Promise<RunningProcess> {
  // Node itself with tsx's loader, not the tsx CLI: the CLI runs the service as a grandchild, so a
  // SIGKILL (the fault tests' crash) would kill only the wrapper and leave the service running.
  // Compiled: plain Node in the service's folder, as in its image (no loader inherited via NODE_OPTIONS).
  const args = [...(opts.nodeArgs ?? []), ...(opts.compiled
    ? [path.join(REPO_ROOT, 'services', name, 'dist', 'main.js')]
    : ['--import', 'tsx', path.join(REPO_ROOT, 'services', name, 'src', 'main.ts')])];
  const child = spawn(process.execPath, args, {
    cwd: opts.compiled ? path.join(REPO_ROOT, 'services', name) : REPO_ROOT,
    env: { ...process.env, ...(opts.compiled && { NODE_OPTIONS: '' }), ...opts.env, [PORT_ENV[name]]: String(opts.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = opts.keepOutput ?? 200_000;
  let out = '';
  const collect = (b: Buffer) => {
    out = (out + b.toString()).slice(-keep);
    opts.echo?.write(b);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${opts.port}`;
  const label = opts.instance ? `${name}#${opts.instance}` : name;
  const proc: RunningProcess = {
    name: label, child, port: opts.port, url, exited,
    output: () => out,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  await waitForHealth(proc, 60_000);
  return proc;
}

async function waitForHealth(proc: RunningProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void proc.exited.then(() => {
    exitedEarly = true;
  });
  while (Date.now() < deadline) {
    if (exitedEarly) throw new Error(`${proc.name} exited before it was healthy:\n${proc.output().slice(-4000)}`);
    try {
      const res = await fetch(`${proc.url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  proc.kill();
  throw new Error(`${proc.name} was not healthy within ${timeoutMs} ms:\n${proc.output().slice(-4000)}`);
}

export interface Stack {
  procs: Map<string, RunningProcess>;
  urls: Record<ServiceName, string>;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  env: Record<string, string>;
  /** Fixed ports (the demo, `pnpm start`) or free ones (tests, the default). */
  ports?: Partial<Record<ServiceName, number>>;
  useDefaultPorts?: boolean;
  /** Environment for one service only (e.g. provider-sim's time scale). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  workers?: number;
  /** Scheduler replicas (default 1): one leads, the others stand by. */
  schedulers?: number;
  echo?: NodeJS.WritableStream;
  /** Every service from its compiled `dist/main.js` (see SpawnOptions.compiled). */
  compiled?: boolean;
}

/** Starts every service as its own process, provider-sim first and dialer-workers last. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const ports = {} as Record<ServiceName, number>;
  for (const s of SERVICES) ports[s] = opts.ports?.[s] ?? (opts.useDefaultPorts ? DEFAULT_PORTS[s] : await freePort());
  const urls = {} as Record<ServiceName, string>;
  for (const s of SERVICES) urls[s] = `http://127.0.0.1:${ports[s]}`;
  const env = { ...opts.env, WEBHOOK_PUBLIC_URL: opts.env.WEBHOOK_PUBLIC_URL ?? urls['webhook-ingest'] };
  const procs = new Map<string, RunningProcess>();
  const stop = async () => {
    const order = [...procs.values()].reverse();
    await Promise.all(order.filter((p) => p.name.startsWith('dialer-worker')).map((p) => p.stop()));
    for (const p of order) if (!p.name.startsWith('dialer-worker')) await p.stop();
  };
  try {
    for (const s of SERVICES) {
      if (s === 'dialer-worker') continue;
      procs.set(s, await spawnService(s, { env: { ...env, ...(opts.serviceEnv?.[s] ?? {}) }, port: ports[s], echo: opts.echo, compiled: opts.compiled }));
    }
    for (let i = 2; i <= (opts.schedulers ?? 1); i++) {
      const p = await spawnService('scheduler', {
        env: { ...env, ...(opts.serviceEnv?.scheduler ?? {}) }, port: await freePort(), echo: opts.echo, instance: String(i),
      });
      procs.set(`scheduler#${i}`, p);
    }
    const workers = opts.workers ?? 1;
    for (let i = 0; i < workers; i++) {
      const port = i === 0 ? ports['dialer-worker'] : await freePort();
      const p = await spawnService('dialer-worker', {
        env: { ...env, ...(opts.serviceEnv?.['dialer-worker'] ?? {}) }, port, echo: opts.echo, instance: String(i + 1), compiled: opts.compiled,
      });
      procs.set(`dialer-worker#${i + 1}`, p);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { procs, urls, env, stop };
}
