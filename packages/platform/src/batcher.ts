export interface BatcherOptions<I, O> {
  /** Items per call of the batch function; a longer queue is split. */
  maxBatch: number;
  /** Items with the same key never share a batch (the later one waits for the next). */
  key?: (item: I) => string;
  /**
   * Run for each item of a batch whose batch function threw (and for a batch of one): a failure
   * of the whole batch then reaches only the items that fail on their own. Without it, every
   * caller of the failed batch gets the error.
   */
  single?: (item: I) => Promise<O>;
}

interface Waiting<I, O> {
  item: I;
  resolve(o: O): void;
  reject(err: unknown): void;
}

/**
 * Groups concurrent calls into batches without a timer: the first call runs at once, and the calls
 * that arrive while a batch is in flight go together in the next one. Idle, it adds no latency;
 * busy, N round trips (and commits) become a few. One batch in flight at a time. `run` answers the
 * items' results in their order.
 */
export class Batcher<I, O> {
  private queue: Array<Waiting<I, O>> = [];
  private running = false;

  constructor(private readonly run: (items: I[]) => Promise<O[]>, private readonly o: BatcherOptions<I, O>) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) await this.runBatch(this.take());
    } finally {
      this.running = false;
    }
  }

  private take(): Array<Waiting<I, O>> {
    const batch: Array<Waiting<I, O>> = [];
    const rest: Array<Waiting<I, O>> = [];
    const keys = new Set<string>();
    for (const w of this.queue) {
      const k = this.o.key?.(w.item);
      if (batch.length < this.o.maxBatch && (k === undefined || !keys.has(k))) {
        batch.push(w);
        if (k !== undefined) keys.add(k);
      } else rest.push(w);
    }
    this.queue = rest;
    return batch;
  }

  private async runBatch(batch: Array<Waiting<I, O>>): Promise<void> {
    const single = this.o.single;
    if (!single || batch.length > 1) {
      try {
        const out = await this.run(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(out[i] as O));
        return;
      } catch (err) {
        if (!single) {
          for (const w of batch) w.reject(err);
          return;
        }
      }
    }
    await Promise.all(batch.map(async (w) => {
      try {
        w.resolve(await single!(w.item));
      } catch (err) {
        w.reject(err);
      }
    }));
  }
}
