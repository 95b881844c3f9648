import type { Queue } from 'bullmq';
import type { DataSource } from '@dialer/db';
import { endpointWants } from '@dialer/domain';
import { PeriodicTask, type Logger } from '@dialer/platform';
import { QUEUES, webhookDeliveryJobId, type WebhookDeliveryJob } from '@dialer/queue';
import {
  findEnabledEndpoints, insertDeliveries, lockDeliveriesToEnqueue, lockUnrelayedEvents, markDeliveriesEnqueued, markEventsRelayed,
} from './event-delivery.repository';

export interface RelayOptions {
  ds: DataSource;
  queue: Pick<Queue, 'addBulk'>;
  logger: Logger;
  intervalMs: number;
  batch: number;
}

/**
 * Moves outbox rows into delivery jobs, in two steps. First, in one transaction, it locks a batch of
 * unrelayed events (FOR UPDATE SKIP LOCKED: replicas share the work), makes one delivery row per
 * event × endpoint that wants it (not yet enqueued) and marks the events relayed. Then, once those
 * rows are committed, it locks the deliveries not yet enqueued, adds their jobs (deterministic ids)
 * and marks them enqueued. The job is added only when its delivery row is visible to the worker
 * that records the attempt (adding it in the first transaction let a fast worker post the event and
 * find no row to record it on). A crash between adding the jobs and the second commit leaves the
 * deliveries unenqueued: the next pass adds the same job ids, which BullMQ keeps once — nothing lost,
 * nothing flooded. Deliveries asked for again (redelivery, test event) are enqueued the same way.
 */
export class Relay {
  private readonly task: PeriodicTask;
  relayed = 0;

  constructor(private readonly o: RelayOptions) {
    this.task = new PeriodicTask('outbox relay', o.intervalMs, () => this.drain(), o.logger);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Relays until nothing is left (each pass a full batch or less). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = (await this.relayEvents()) + (await this.enqueueRequested());
      total += n;
      if (n < this.o.batch || this.task.isStopped) return total;
    }
  }

  async relayEvents(): Promise<number> {
    return this.o.ds.transaction(async (m) => {
      const events = await lockUnrelayedEvents(m, this.o.batch);
      if (events.length === 0) return 0;
      const endpoints = await findEnabledEndpoints(m, [...new Set(events.map((e) => e.tenant_id))]);
      const pairs: Array<{ tenantId: string; eventId: string; endpointId: string }> = [];
      for (const e of events) {
        for (const p of endpoints) {
          if (p.tenant_id === e.tenant_id && endpointWants({ eventTypes: p.event_types, campaignIds: p.campaign_ids }, e.type, e.campaign_id)) {
            pairs.push({ tenantId: e.tenant_id, eventId: e.id, endpointId: p.id });
          }
        }
      }
      await insertDeliveries(m, pairs);
      await markEventsRelayed(m, events.map((e) => e.id));
      this.relayed += events.length;
      return events.length;
    });
  }

  /** Adds the jobs of committed deliveries not yet enqueued (new ones, redeliveries, test events). */
  async enqueueRequested(): Promise<number> {
    return this.o.ds.transaction(async (m) => {
      const rows = await lockDeliveriesToEnqueue(m, this.o.batch);
      if (rows.length === 0) return 0;
      await this.add(rows);
      await markDeliveriesEnqueued(m, rows.map((r) => r.id));
      return rows.length;
    });
  }

  private async add(ds: ReadonlyArray<{ id: string; tenant_id: string; endpoint_id: string; event_id: string; redeliveries: number; body: string }>): Promise<void> {
    if (ds.length === 0) return;
    await this.o.queue.addBulk(ds.map((d) => ({
      name: QUEUES.webhookDelivery.name,
      data: { tenantId: d.tenant_id, deliveryId: d.id, endpointId: d.endpoint_id, eventId: d.event_id, body: d.body } satisfies WebhookDeliveryJob,
      opts: { ...QUEUES.webhookDelivery.options, jobId: webhookDeliveryJobId(d.id, d.redeliveries) },
    })));
  }
}
