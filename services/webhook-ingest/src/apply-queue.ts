import type { Logger } from '@dialer/platform';

/**
 * The in-process queue between answering a webhook and applying it: stored events are applied in
 * the background, at most `concurrency` at once, and strictly in arrival order per call (the same
 * key never runs twice at once). Nothing here is the only copy: every event is in webhook_events
 * first, and the sweeper applies whatever a crash left behind.
 */
export class ApplyQueue<T> {
  private readonly byKey = new Map<string, T[]>();
  private readonly ready: string[] = [];
  private active = 0;
  private size = 0;
  private stopped = false;
  private readonly idle: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly apply: (item: T) => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** Events waiting or being applied. */
  get pending(): number {
    return this.size;
  }

  push(key: string, item: T): void {
    if (this.stopped) return; // stored already: the sweeper applies it after the restart
    this.size++;
    const list = this.byKey.get(key);
    if (list) {
      list.push(item);
      return;
    }
    this.byKey.set(key, [item]);
    this.ready.push(key);
    this.pump();
  }

  /** Stops taking work and waits for what is being applied; waiting items are left to the sweeper. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ready.length = 0;
    if (this.active === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
  }

  /** Resolves when nothing is waiting or running (tests, benchmarks). */
  async drained(): Promise<void> {
    if (this.size === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
  }

  private pump(): void {
    while (this.active < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift() as string;
      this.active++;
      void this.run(key).finally(() => {
        this.active--;
        this.pump();
        if (this.active === 0 && (this.size === 0 || this.stopped)) for (const r of this.idle.splice(0)) r();
      });
    }
  }

  private async run(key: string): Promise<void> {
    const list = this.byKey.get(key) as T[];
    while (list.length > 0 && !this.stopped) {
      const item = list.shift() as T;
      try {
        await this.apply(item);
      } catch (err) {
        this.logger.error({ err }, 'applying a stored webhook event failed; the sweeper will retry it');
      } finally {
        this.size--;
      }
    }
    if (this.stopped) this.size -= list.length;
    this.byKey.delete(key);
  }
}
