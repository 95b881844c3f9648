import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorkerThread, type Logger } from '@dialer/platform';
import type { ApplyOutcome, StoredCallEvent } from './apply-call-event';
import type { WebhookIngestConfig } from './config';

/** The settings the apply thread uses: only these are copied to it (no secrets). */
const THREAD_SETTINGS = [
  'DATABASE_URL', 'DB_SCHEMA', 'REDIS_URL', 'QUEUE_PREFIX', 'LOG_LEVEL',
  'WEBHOOK_APPLY_DB_POOL', 'WEBHOOK_APPLY_BATCH', 'WEBHOOK_APPLY_CONCURRENCY', 'WEBHOOK_APPLY_NICE',
] as const;
export type ApplyThreadConfig = Pick<WebhookIngestConfig, (typeof THREAD_SETTINGS)[number]>;

export type ToApplyThread = { events: StoredCallEvent[] } | { stop: true };
export type FromApplyThread =
  | { ready: true }
  | { failed: string }
  | { log: string }
  | { done: number; results: Partial<Record<ApplyOutcome, number>> }
  | { stopped: true };

/** Fields pino adds to every line; the main thread's logger adds its own. */
const OWN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/**
 * Applies stored events on a worker thread (apply-thread.worker.ts) with its own event loop,
 * Postgres pool and Redis connection. On one thread, every round trip of an apply batch waited
 * behind the HTTP requests queued on the same event loop (about 100 ms per turn under load), so a
 * batch of a dozen statements took seconds and the apply lag grew with the load. Events are handed
 * over in one message per turn of the main loop. Nothing here is the only copy: every event is
 * stored before it is pushed, and the sweeper applies whatever a thread crash or a stop left
 * behind; a thread that dies is replaced.
 */
export class ApplyThread {
  private worker: Worker | null = null;
  private outbox: StoredCallEvent[] = [];
  private flushing = false;
  private inThread = 0;
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly cfg: ApplyThreadConfig,
    private readonly logger: Logger,
    private readonly onResults: (results: Partial<Record<ApplyOutcome, number>>) => void,
  ) {}

  /** Starts the thread and resolves once it is connected (rejects when it cannot start). */
  static async start(cfg: ApplyThreadConfig, logger: Logger, onResults: (results: Partial<Record<ApplyOutcome, number>>) => void): Promise<ApplyThread> {
    const t = new ApplyThread(Object.fromEntries(THREAD_SETTINGS.map((k) => [k, cfg[k]])) as ApplyThreadConfig, logger, onResults);
    await t.spawn();
    return t;
  }

  /** Events handed over and not yet applied (or given up to the sweeper). */
  get pending(): number {
    return this.outbox.length + this.inThread;
  }

  push(event: StoredCallEvent): void {
    if (this.stopping || !this.worker) return; // stored already: the sweeper applies it
    this.outbox.push(event);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  /** Lets the batch being applied finish, then ends the thread; waiting events are left to the sweeper. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private flush(): void {
    this.flushing = false;
    if (!this.worker || this.outbox.length === 0) return;
    const events = this.outbox;
    this.outbox = [];
    this.inThread += events.length;
    this.worker.postMessage({ events } satisfies ToApplyThread);
  }

  private spawn(): Promise<void> {
    const worker = startWorkerThread(path.join(__dirname, 'apply-thread.worker'), __filename, { workerData: this.cfg });
    return new Promise<void>((resolve, reject) => {
      let started = false;
      worker.on('message', (m: FromApplyThread) => {
        if ('log' in m) this.relayLog(m.log);
        else if ('done' in m) {
          this.inThread = Math.max(0, this.inThread - m.done);
          this.onResults(m.results);
        } else if ('ready' in m) {
          started = true;
          this.worker = worker;
          resolve();
        } else if ('failed' in m) {
          if (!started) reject(new Error(`the apply thread could not start: ${m.failed}`));
          else this.logger.error({ reason: m.failed }, 'the apply thread failed');
        }
      });
      worker.on('error', (err) => {
        if (!started) reject(err);
        else this.logger.error({ err }, 'the apply thread failed');
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = null;
        if (!started) {
          reject(new Error(`the apply thread exited with code ${code} while starting`));
          return;
        }
        if (this.stopping) return;
        // Its events are stored: the sweeper applies them. A new thread takes the next ones.
        this.inThread = 0;
        this.logger.error({ code }, 'the apply thread stopped; starting a new one (the sweeper applies what it held)');
        this.spawn().catch((err: unknown) => this.logger.error({ err }, 'the apply thread could not be restarted; the sweeper applies stored events'));
      });
    });
  }

  private async shutdown(): Promise<void> {
    const worker = this.worker;
    this.outbox = [];
    if (!worker) return;
    await new Promise<void>((resolve) => {
      worker.on('message', (m: FromApplyThread) => {
        if ('stopped' in m) resolve();
      });
      worker.once('exit', () => resolve());
      worker.postMessage({ stop: true } satisfies ToApplyThread);
    });
    this.worker = null;
    await worker.terminate();
  }

  /** A line the thread's logger wrote, written again by the main thread's logger (one output, one format). */
  private relayLog(line: string): void {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const fields: Record<string, unknown> = { thread: 'apply' };
    for (const [k, v] of Object.entries(parsed)) if (!OWN_FIELDS.has(k)) fields[k] = v;
    const level = typeof parsed.level === 'string' && parsed.level in LEVELS ? (parsed.level as keyof typeof LEVELS) : 'info';
    this.logger[level](fields, typeof parsed.msg === 'string' ? parsed.msg : '');
  }
}

const LEVELS = { trace: 1, debug: 1, info: 1, warn: 1, error: 1, fatal: 1 } as const;
