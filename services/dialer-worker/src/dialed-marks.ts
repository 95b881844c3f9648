import type { DataSource } from '@dialer/db';
import { markDialedMany, type DialedMark } from './dial.repository';

interface Waiting extends DialedMark {
  resolve(): void;
  reject(err: unknown): void;
}

/** Rows per statement; a longer queue is written in several. */
const MAX_BATCH = 500;

/**
 * Writes "the provider took the call" (provider call id, dialled time) for the attempts of this
 * replica in batches: the first mark is written at once, and the marks that arrive while a write is
 * in flight go together in the next one. No timer, so an idle dialer adds no latency, and a busy one
 * turns N commits into a few. Each caller's promise settles when its own row is written.
 */
export class DialedMarks {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly ds: DataSource) {}

  mark(attemptId: string, providerCallId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ attemptId, providerCallId, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await markDialedMany(this.ds, batch);
          for (const w of batch) w.resolve();
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
