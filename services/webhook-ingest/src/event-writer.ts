import type { DataSource } from '@dialer/db';
import { insertWebhookEvents, type NewWebhookEvent } from './webhook-events.repository';

export interface StoredRow {
  id: string;
  receivedAt: Date;
}

interface Pending {
  event: NewWebhookEvent;
  resolve: (row: StoredRow | null) => void;
  reject: (err: unknown) => void;
}

/**
 * Stores raw webhook events append-only with group commit: events arriving while a write is in
 * flight go together in the next multi-row INSERT … ON CONFLICT DO NOTHING, so a burst costs a few
 * statements instead of one per event, and each caller learns once its own row is committed
 * (null: the same provider event key was stored before — a duplicate).
 */
export class EventWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private closed = false;
  private idle: Array<() => void> = [];

  constructor(
    private readonly ds: DataSource,
    private readonly opts: { maxBatch: number; maxInFlight: number },
  ) {}

  store(event: NewWebhookEvent): Promise<StoredRow | null> {
    if (this.closed) return Promise.reject(new Error('the event writer is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.pump();
    });
  }

  /** Stops taking events and waits for every write in flight. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.inFlight === 0 && this.queue.length === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.opts.maxInFlight) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.pump();
        else if (this.inFlight === 0) for (const r of this.idle.splice(0)) r();
      });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const rows = await insertWebhookEvents(this.ds, batch.map((p) => p.event));
      const inserted = new Map<string, StoredRow>();
      for (const r of rows) inserted.set(`${r.provider}\u0000${r.event_key}`, { id: String(r.id), receivedAt: r.received_at });
      // The first of several identical events in one batch owns the row; the others are duplicates.
      for (const p of batch) {
        const k = `${p.event.provider}\u0000${p.event.eventKey}`;
        const row = inserted.get(k) ?? null;
        if (row) inserted.delete(k);
        p.resolve(row);
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
