import type { Logger } from '@dialer/platform';

/**
 * The in-process queue between answering a webhook and applying it: stored events are applied in
 * the background in batches — everything that arrived while the previous batch was applied goes
 * together into the next one (up to `maxBatch`), in arrival order. One batch runs at a time, so one
 * call's events are never applied out of order across batches. Nothing here is the only copy: every
 * event is in webhook_events first, and the sweeper applies whatever a crash or a stop left behind.
 */
export class ApplyQueue<T> {
  private queue: T[] = [];
  private running = false;
  private stopped = false;
  private readonly idle: Array<() => void> = [];

  constructor(
    private readonly maxBatch: number,
    private readonly apply: (batch: T[]) => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** Events waiting or being applied. */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  push(item: T): void {
    if (this.stopped) return; // stored already: the sweeper applies it after the restart
    this.queue.push(item);
    if (!this.running) this.pump();
  }

  /** Stops taking work and waits for the batch being applied; waiting items are left to the sweeper. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue = [];
    if (!this.running) return;
    await new Promise<void>((r) => this.idle.push(r));
  }

  private pump(): void {
    if (this.running || this.stopped || this.queue.length === 0) return;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = batch === this.queue ? [] : this.queue.slice(this.maxBatch);
    this.running = true;
    void this.apply(batch)
      .catch((err: unknown) => this.logger.error({ err, events: batch.length }, 'applying a batch of stored webhook events failed; the sweeper will retry them'))
      .finally(() => {
        this.running = false;
        this.pump();
        if (!this.running) for (const r of this.idle.splice(0)) r();
      });
  }
}
