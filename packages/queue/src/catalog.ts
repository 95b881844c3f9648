import { Type } from 'class-transformer';
import { IsInt, IsString, IsUUID, Min } from 'class-validator';
import type { JobsOptions } from 'bullmq';

/**
 * The one catalog of queues: name (never renamed), payload contract and job options.
 * Payloads are validated at the consumer with validateInput().
 */

/** A lead's attempt to be dialled. Job id: dialJobId(leadId, attemptNo), so it is added once. */
export class DialJob {
  @IsUUID() tenantId: string;
  @IsUUID() campaignId: string;
  @IsUUID() leadId: string;
  @Type(() => Number) @IsInt() @Min(1) attemptNo: number;
}

/** A call attempt reached a terminal status; metrics-aggregator folds it into the stats once. */
export class CallFinishedJob {
  @IsUUID() tenantId: string;
  @IsUUID() campaignId: string;
  @IsUUID() callAttemptId: string;
}

/**
 * One outbound event to be sent to one endpoint (services/event-delivery). Job id:
 * webhookDeliveryJobId(deliveryId, redeliveries), so a relay that runs twice adds it once. The body
 * is the envelope exactly as it is signed and sent.
 */
export class WebhookDeliveryJob {
  @IsUUID() tenantId: string;
  @IsUUID() deliveryId: string;
  @IsUUID() endpointId: string;
  @IsUUID() eventId: string;
  @IsString() body: string;
}

/**
 * Finished jobs kept in Redis per queue, for inspection only: every outcome lives in Postgres (the
 * attempt row, the lead), and each kept job costs about 1.3 KB. Redis memory stays flat however big
 * the campaign is (see `pnpm bench redis-memory`).
 */
export const KEPT_JOBS = 1000;
/** Approximate length of each queue's BullMQ events stream (BullMQ's default is 10,000). */
export const EVENTS_STREAM_MAX_LEN = 1000;

export const QUEUES = {
  dial: {
    name: 'dial',
    payload: DialJob,
    options: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { age: 600, count: KEPT_JOBS },
      removeOnFail: { age: 7 * 24 * 3600, count: KEPT_JOBS },
    } satisfies JobsOptions,
  },
  callFinished: {
    name: 'call-finished',
    payload: CallFinishedJob,
    options: {
      attempts: 20,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { age: 600, count: KEPT_JOBS },
      removeOnFail: { age: 7 * 24 * 3600, count: KEPT_JOBS },
    } satisfies JobsOptions,
  },
  webhookDelivery: {
    name: 'webhook-delivery',
    payload: WebhookDeliveryJob,
    options: {
      // Retried for 3 days (the processor gives up then); the 'webhook' backoff is exponential with jitter.
      attempts: 60,
      backoff: { type: 'webhook' },
      removeOnComplete: { age: 3600, count: KEPT_JOBS },
      removeOnFail: { age: 7 * 24 * 3600, count: KEPT_JOBS },
    } satisfies JobsOptions,
  },
} as const;

/** Deterministic delivery job id: one job per delivery and manual redelivery. */
export function webhookDeliveryJobId(deliveryId: string, redeliveries: number): string {
  return `${deliveryId}-r${redeliveries}`;
}

export type QueueKey = keyof typeof QUEUES;

/** Deterministic dial job id: one job per (lead, attempt number). BullMQ ids may not contain ':'. */
export function dialJobId(leadId: string, attemptNo: number): string {
  return `${leadId}-a${attemptNo}`;
}

/** BullMQ's largest job priority (lower runs first; jobs without one run before any with one). */
const MAX_JOB_PRIORITY = 2_097_152;

/**
 * The dial job's priority: its lead's position in the campaign's hopper (1: next to be dialled).
 * Jobs of equal priority run in the order they were added, so the queue serves every campaign's
 * first job, then every campaign's second, and so on: campaigns are dialled in turns, however the
 * feeder's passes ordered them, and a campaign that fills its hopper first does not go first for
 * the whole hopper.
 */
export function dialPriority(hopperPosition: number): number {
  return Math.min(MAX_JOB_PRIORITY, Math.max(1, Math.floor(hopperPosition)));
}

/** The lease member for a call attempt: the same (lead, attempt number) identity as the job. */
export function leaseMember(leadId: string, attemptNo: number): string {
  return `${leadId}#${attemptNo}`;
}

/** Pub/sub channel on which a freed concurrency slot names its campaign, so the feeder refills at once. */
export function slotFreedChannel(prefix: string): string {
  return `${prefix}:slot-freed`;
}

/**
 * Pub/sub channel of one campaign's live updates: metrics-aggregator publishes on it, campaign-api's
 * SSE hub subscribes to it.
 */
export function campaignEventsChannel(prefix: string, campaignId: string): string {
  return `${prefix}:campaign-events:${campaignId}`;
}
