import {
  deleteAttemptsBatch, deleteEndedLeadsBatch, deleteOutboundEventsBatch, deleteWebhookEventsBatch, insertPurgeRun, scrubCallDataBatch, tenantCampaignIds,
  tenantsWithRetention, type DataSource, type RetentionTenant,
} from '@dialer/db';
import type { Logger } from '@dialer/platform';

/** What one purge removed, by kind (the keys of the purge_runs row and of the Prometheus counter). */
export interface PurgeCounts {
  /** Call attempts whose recording, transcript and analysis were cleared. */
  call_data: number;
  /** Call attempts deleted (by the attempts retention, or with their ended lead). */
  call_attempts: number;
  webhook_events: number;
  /** Outbound events sent to the tenant's endpoints, with their delivery log (by the webhook events retention). */
  outbound_events: number;
  ended_leads: number;
}

export interface PurgeOptions {
  ds: DataSource;
  /** The moment ages are counted from (tests pass a fixed one). */
  now: Date;
  /** Rows per statement (each statement its own short transaction). */
  batch: number;
  logger: Logger;
  /** Called after each batch with its kind and count (the Prometheus counter). */
  onRemoved?: (kind: keyof PurgeCounts, n: number) => void;
  /** Checked between batches: a purge stops early (a leader stepping down), the next run goes on. */
  shouldStop?: () => boolean;
}

const DAY_MS = 86_400_000;

function cutoff(now: Date, days: number | null): Date | null {
  return days === null ? null : new Date(now.getTime() - days * DAY_MS);
}

/**
 * One run of the retention purge over every tenant with a retention set: per tenant, in batches,
 * ended leads (with their attempts and callbacks), then attempts, call data, raw webhook events
 * and delivered outbound events older than the tenant's settings; a purge_runs row per tenant says what went, and one log
 * line per tenant (ids and counts only). Returns the totals.
 */
export async function purgeExpired(o: PurgeOptions): Promise<PurgeCounts> {
  const total: PurgeCounts = { call_data: 0, call_attempts: 0, webhook_events: 0, outbound_events: 0, ended_leads: 0 };
  for (const t of await tenantsWithRetention(o.ds)) {
    if (o.shouldStop?.()) break;
    const startedAt = new Date();
    const removed = await purgeTenant(o, t);
    await insertPurgeRun(o.ds, { tenantId: t.id, startedAt, now: o.now, removed: { ...removed } });
    for (const k of Object.keys(total) as Array<keyof PurgeCounts>) total[k] += removed[k];
    o.logger.info({ tenantId: t.id, removed }, 'retention purge');
  }
  return total;
}

async function purgeTenant(o: PurgeOptions, t: RetentionTenant): Promise<PurgeCounts> {
  const removed: PurgeCounts = { call_data: 0, call_attempts: 0, webhook_events: 0, outbound_events: 0, ended_leads: 0 };
  const count = (kind: keyof PurgeCounts, n: number): void => {
    removed[kind] += n;
    if (n > 0) o.onRemoved?.(kind, n);
  };
  /** Runs batches until one comes back short (or the purge is asked to stop). */
  const drain = async (step: () => Promise<number>): Promise<void> => {
    while (!o.shouldStop?.()) if ((await step()) < o.batch) return;
  };
  const campaigns = await tenantCampaignIds(o.ds, t.id);
  const leadsBefore = cutoff(o.now, t.retention_ended_leads_days);
  const attemptsBefore = cutoff(o.now, t.retention_attempts_days);
  const dataBefore = cutoff(o.now, t.retention_call_data_days);
  for (const c of campaigns) {
    if (leadsBefore) {
      await drain(async () => {
        const r = await deleteEndedLeadsBatch(o.ds, t.id, c, leadsBefore, o.batch);
        count('ended_leads', r.leads);
        count('call_attempts', r.attempts);
        return r.leads;
      });
    }
    if (attemptsBefore) {
      await drain(async () => {
        const n = await deleteAttemptsBatch(o.ds, t.id, c, attemptsBefore, o.batch);
        count('call_attempts', n);
        return n;
      });
    }
    if (dataBefore) {
      await drain(async () => {
        const n = await scrubCallDataBatch(o.ds, t.id, c, dataBefore, o.batch);
        count('call_data', n);
        return n;
      });
    }
  }
  const eventsBefore = cutoff(o.now, t.retention_webhook_events_days);
  if (eventsBefore) {
    await drain(async () => {
      const n = await deleteWebhookEventsBatch(o.ds, t.id, eventsBefore, o.batch);
      count('webhook_events', n);
      return n;
    });
    await drain(async () => {
      const n = await deleteOutboundEventsBatch(o.ds, t.id, eventsBefore, o.batch);
      count('outbound_events', n);
      return n;
    });
  }
  return removed;
}
