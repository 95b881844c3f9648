import { DelayedError, UnrecoverableError, type Job, type Processor } from 'bullmq';
import { AppError, clock, validateInput, withLogContext } from '@dialer/platform';
import { DialJob } from '@dialer/queue';
import type { DialerMetrics } from './dialer.metrics';
import { placeCall, RetryDialError, type PlaceCallDeps } from './place-call';

export interface DialProcessorDeps {
  dial: PlaceCallDeps;
  metrics: DialerMetrics;
  /** Base delay before a job that found no free slot runs again; jittered ±25 %. */
  leaseRetryMs: number;
}

/** The dial queue's processor: validates the payload and hands it to placeCall(). */
export function createDialProcessor(deps: DialProcessorDeps): Processor {
  return (job: Job, token?: string) =>
    withLogContext({ jobId: job.id, queue: 'dial' }, async () => {
      let payload: DialJob;
      try {
        payload = validateInput(DialJob, job.data, { where: 'dial job payload' });
      } catch (err) {
        if (err instanceof AppError) throw new UnrecoverableError(err.message);
        throw err;
      }
      const ref = { tenantId: payload.tenantId, campaignId: payload.campaignId, leadId: payload.leadId, attemptNo: payload.attemptNo };
      return withLogContext({ campaignId: ref.campaignId, leadId: ref.leadId, attemptNo: ref.attemptNo }, async () => {
        const finalTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        let outcome;
        try {
          outcome = await placeCall(deps.dial, ref, { finalTry });
        } catch (err) {
          if (err instanceof RetryDialError) deps.metrics.dials.inc({ result: 'requeued' });
          throw err;
        }
        if (outcome.result === 'lease_wait') {
          deps.metrics.leaseWaits.inc();
          await job.moveToDelayed(Date.now() + Math.round(deps.leaseRetryMs * (0.75 + Math.random() / 2)), token);
          throw new DelayedError();
        }
        if (outcome.result === 'window_wait') {
          // Early: wait for the exact opening instant, not by polling, without spending a try.
          deps.metrics.dials.inc({ result: 'window_wait' });
          await job.moveToDelayed(Date.now() + clock.msUntil(outcome.until), token);
          throw new DelayedError();
        }
        deps.metrics.dials.inc({ result: outcome.result });
        return { result: outcome.result, attemptId: outcome.attemptId ?? null };
      });
    });
}
