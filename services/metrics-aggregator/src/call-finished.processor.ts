import { UnrecoverableError, type Job } from 'bullmq';
import { AppError, validateInput, withLogContext } from '@dialer/platform';
import { CallFinishedJob } from '@dialer/queue';
import type { FoldDeps } from './fold-and-announce';
import { createFoldBatches } from './fold-batches';

/**
 * callFinished: validate the payload, fold the attempt once, then see whether its campaign is done.
 * The jobs this replica runs at once are folded together (createFoldBatches).
 */
export function callFinishedProcessor(deps: FoldDeps): (job: Job) => Promise<{ counted: boolean; completed: boolean }> {
  const batches = createFoldBatches(deps);
  return async (job) => {
    let data: CallFinishedJob;
    try {
      data = validateInput(CallFinishedJob, job.data, { where: 'callFinished job payload' });
    } catch (err) {
      if (err instanceof AppError) throw new UnrecoverableError(err.message);
      throw err;
    }
    return withLogContext({ jobId: job.id, callAttemptId: data.callAttemptId }, async () => {
      const r = await batches.finish(data);
      if (r.kind === 'unknown') throw new UnrecoverableError(`call attempt ${data.callAttemptId} does not exist for this tenant and campaign`);
      // Jobs are added only after the attempt ended; if not yet visible, retry with backoff.
      if (r.kind === 'not_ended') throw new Error(`call attempt ${data.callAttemptId} has not ended yet`);
      return { counted: r.counted, completed: r.completed };
    });
  };
}
