import { Counter, type Registry } from 'prom-client';
import type { DataSource } from '@dialer/db';
import type { Logger } from '@dialer/platform';
import { purgeExpired, type PurgeCounts } from './purge-expired';

export interface RetentionPurgerOptions {
  ds: DataSource;
  logger: Logger;
  /** `HH:MM` (UTC): the first run of the day. */
  timeUtc: string;
  /** Hours between runs, counted from that time (24: daily). */
  intervalHours: number;
  batch: number;
  counter: Counter<'kind'>;
  now?: () => number;
}

/** The Prometheus counter of rows the purge removed, per kind (call_data, call_attempts, webhook_events, ended_leads). */
export function purgedRowsCounter(registry: Registry): Counter<'kind'> {
  return new Counter({
    name: 'retention_purged_rows_total', help: 'Rows removed (or, for call_data, scrubbed) by the retention purge, per kind',
    labelNames: ['kind'], registers: [registry],
  });
}

/**
 * The next run after `now`: the runs fall at `timeUtc` each day and every `intervalHours` after it
 * (24 → once a day at that time; 6 → four times a day, one of them at that time).
 */
export function nextPurgeAt(now: number, timeUtc: string, intervalHours: number): number {
  const [h, m] = timeUtc.split(':').map(Number);
  const d = new Date(now);
  const anchor = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h ?? 0, m ?? 0);
  const step = intervalHours * 3_600_000;
  let t = anchor - Math.ceil((anchor - now) / step) * step;
  while (t <= now) t += step;
  return t;
}

/** Runs purgeExpired on the leader at the configured times; stop() waits for a run in progress to reach its next batch boundary. */
export class RetentionPurger {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly o: RetentionPurgerOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One purge now, counted from `now` (tests call this with a fixed moment). */
  async runOnce(now: Date): Promise<PurgeCounts> {
    return purgeExpired({
      ds: this.o.ds, now, batch: this.o.batch, logger: this.o.logger, shouldStop: () => this.stopped,
      onRemoved: (kind, n) => this.o.counter.inc({ kind }, n),
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = (this.o.now ?? Date.now)();
    const delay = nextPurgeAt(now, this.o.timeUtc, this.o.intervalHours) - now;
    this.timer = setTimeout(() => {
      this.running = this.runOnce(new Date((this.o.now ?? Date.now)()))
        .catch((err: unknown) => this.o.logger.error({ err }, 'retention purge failed'))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, delay);
    this.timer.unref();
  }
}
