import { DelayedError, type Job } from 'bullmq';
import type { Counter, Histogram } from 'prom-client';
import type { Webhook } from 'standardwebhooks';
import type { DataSource } from '@dialer/db';
import { deliveryGivenUp, endpointFailedTooLong } from '@dialer/domain';
import { Batcher, decryptSecret, validateInput, type Logger } from '@dialer/platform';
import { QUEUES, WebhookDeliveryJob } from '@dialer/queue';
import {
  clearEndpointFailing, disableEndpoint, findEndpointForDelivery, markEndpointFailing, recordAttempts, type AttemptResult,
} from './event-delivery.repository';
import { postSigned, signers, type Agents, type PostOptions } from './post-signed';

/** An endpoint as deliveries use it, kept briefly per replica. */
interface LiveEndpoint {
  id: string;
  url: string;
  /** False: disabled or deleted — its deliveries are given up. */
  live: boolean;
  signers: Webhook[];
  failing: boolean;
}

const ENDPOINT_CACHE_MS = 2_000;

export interface DeliveryDeps {
  ds: DataSource;
  secretsKey: string;
  agents: Agents;
  post: PostOptions;
  endpointConcurrency: number;
  logger: Logger;
  metrics: { deliveries: Counter<'result'>; latency: Histogram };
}

/**
 * The delivery worker's processor: validate the job, take a slot of the endpoint (at most
 * `endpointConcurrency` in flight per endpoint; a full endpoint's job waits a moment without using an
 * attempt), POST it signed, record the attempt, and on failure throw so BullMQ retries it with the
 * 'webhook' backoff — until 3 days after the delivery was made, when it is given up. An endpoint
 * failing for 3 days without a success is disabled, with the reason on it and in the audit log.
 */
export function deliveryProcessor(d: DeliveryDeps): (job: Job, token?: string) => Promise<void> {
  const cache = new Map<string, { until: number; ep: Promise<LiveEndpoint | null> }>();
  const inFlight = new Map<string, number>();
  const results = new Batcher<AttemptResult, void>(async (rs) => {
    await recordAttempts(d.ds, rs);
    return rs.map(() => undefined);
  }, { maxBatch: 500, key: (r) => r.deliveryId, single: (r) => recordAttempts(d.ds, [r]) });

  const endpoint = (id: string): Promise<LiveEndpoint | null> => {
    const now = Date.now();
    const hit = cache.get(id);
    if (hit && hit.until > now) return hit.ep;
    const ep = findEndpointForDelivery(d.ds, id).then((row): LiveEndpoint | null => {
      if (!row) return null;
      const secrets = [decryptSecret(row.secret_sealed, d.secretsKey)];
      if (row.previous_secret_sealed && row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > Date.now()) {
        secrets.push(decryptSecret(row.previous_secret_sealed, d.secretsKey));
      }
      return { id: row.id, url: row.url, live: row.enabled && !row.deleted, signers: signers(secrets), failing: row.failing_since !== null };
    });
    cache.set(id, { until: now + ENDPOINT_CACHE_MS, ep });
    ep.catch(() => cache.delete(id));
    return ep;
  };

  return async (job, token) => {
    const p = validateInput(WebhookDeliveryJob, job.data, { where: 'webhook-delivery job' });
    const ep = await endpoint(p.endpointId);
    if (!ep || !ep.live) {
      await results.submit({
        deliveryId: p.deliveryId, tenantId: p.tenantId, ok: false, final: true, statusCode: null, latencyMs: 0, excerpt: null,
        error: 'the endpoint is disabled or deleted', at: new Date(),
      });
      d.metrics.deliveries.inc({ result: 'dropped' });
      return;
    }
    const busy = inFlight.get(ep.id) ?? 0;
    if (busy >= d.endpointConcurrency) {
      await job.moveToDelayed(Date.now() + 20 + Math.floor(Math.random() * 80), token);
      throw new DelayedError();
    }
    inFlight.set(ep.id, busy + 1);
    let r;
    try {
      r = await postSigned(ep.url, ep.signers, { id: p.eventId, body: p.body }, d.agents, d.post);
    } finally {
      const left = (inFlight.get(ep.id) ?? 1) - 1;
      if (left > 0) inFlight.set(ep.id, left);
      else inFlight.delete(ep.id);
    }
    const at = new Date();
    const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? QUEUES.webhookDelivery.options.attempts);
    const final = !r.ok && (lastTry || deliveryGivenUp(new Date(job.timestamp), at));
    await results.submit({ deliveryId: p.deliveryId, tenantId: p.tenantId, ...r, final, at });
    d.metrics.deliveries.inc({ result: r.ok ? 'succeeded' : final ? 'given_up' : 'failed' });
    d.metrics.latency.observe(r.latencyMs / 1000);

    if (r.ok) {
      if (ep.failing) {
        ep.failing = false;
        await clearEndpointFailing(d.ds, ep.id);
      }
      return;
    }
    ep.failing = true;
    const since = await markEndpointFailing(d.ds, ep.id);
    if (endpointFailedTooLong(since, at)) {
      const reason = `every delivery failed for 3 days (since ${since!.toISOString()}); last: ${r.error ?? 'no answer'}`;
      if (await disableEndpoint(d.ds, ep.id, reason)) d.logger.warn({ endpointId: ep.id, tenantId: p.tenantId }, 'webhook endpoint disabled after 3 days of failures');
      cache.delete(ep.id);
      return;
    }
    if (final) return;
    // Not a bug of ours: BullMQ retries it with the 'webhook' backoff.
    throw new Error(`delivery failed: ${r.error ?? `status ${r.statusCode}`}`);
  };
}
