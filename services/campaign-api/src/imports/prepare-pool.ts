import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorkerThread, type Logger } from '@dialer/platform';
import { prepareBatch, type NumberedRecord, type PrepareContext, type PreparedBatch } from './prepare-rows';

interface Task {
  resolve(b: PreparedBatch): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Task>;
}

/** Caps each worker's heap: a batch needs a few MB; the phone and zone tables about 40 MB. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 };

/**
 * Workers to use for `IMPORT_WORKERS=0` (auto): none. North American numbers take the fast path
 * (about 1.5 µs a row), so preparing inline costs less than the batch statement Postgres runs on the
 * other core, and a worker would add its own copy of the code and tables (tens of MB). Set
 * IMPORT_WORKERS to 1 or 2 for files dominated by other countries' numbers (about 20 µs a row).
 */
export function autoWorkers(): number {
  return availableParallelism() > 2 ? 1 : 0;
}

/**
 * Prepares import batches on worker threads (the phone library costs ~15 µs a row, the rest of the
 * pipeline far less), round-robin; with size 0 it prepares inline. A worker that dies fails its
 * batches (their import fails and can be resumed) and is replaced.
 */
export class PreparePool {
  private readonly slots: Slot[] = [];
  private next = 0;
  private seq = 0;
  private closed = false;

  constructor(private readonly size: number, private readonly logger: Logger) {}

  /** No workers: the caller prepares batches itself, as records are parsed. */
  get inline(): boolean {
    return this.size <= 0;
  }

  run(records: NumberedRecord[], ctx: PrepareContext): Promise<PreparedBatch> {
    if (this.size <= 0) {
      try {
        return Promise.resolve(prepareBatch(records, ctx));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    if (this.closed) return Promise.reject(new Error('the prepare pool is closed'));
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    const idx = this.next++ % this.slots.length;
    const slot = this.slots[idx]!;
    const id = ++this.seq;
    return new Promise<PreparedBatch>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, records, ctx });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = startWorkerThread(path.join(__dirname, 'prepare-rows.worker'), __filename, { resourceLimits: WORKER_LIMITS });
    const slot: Slot = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (msg: { id: number; result?: PreparedBatch; error?: string }) => {
      const t = slot.pending.get(msg.id);
      if (!t) return;
      slot.pending.delete(msg.id);
      if (msg.result) t.resolve(msg.result);
      else t.reject(new Error(msg.error ?? 'the prepare worker failed'));
    });
    const fail = (err: Error): void => {
      for (const t of slot.pending.values()) t.reject(err);
      slot.pending.clear();
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) {
        this.logger.error({ err }, 'an import worker thread stopped; replacing it');
        this.slots[i] = this.spawn();
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`the prepare worker exited with code ${code}`));
    });
    return slot;
  }
}
