import { UnrecoverableError, type Job } from 'bullmq';
import { AppError, validateInput, withLogContext } from '@dialer/platform';
import { CallFinishedJob } from '@dialer/queue';
import { findAttemptForJob } from './attempt-lookups.repository';
import { checkCampaignCompletion, foldAttempt, type FoldDeps } from './fold-and-announce';

/** callFinished: validate the payload, fold the attempt once, then see whether its campaign is done. */
export function callFinishedProcessor(deps: FoldDeps): (job: Job) => Promise<{ counted: boolean; completed: boolean }> {
  return async (job) => {
    let data: CallFinishedJob;
    try {
      data = validateInput(CallFinishedJob, job.data, { where: 'callFinished job payload' });
    } catch (err) {
      if (err instanceof AppError) throw new UnrecoverableError(err.message);
      throw err;
    }
    return withLogContext({ jobId: job.id, callAttemptId: data.callAttemptId }, async () => {
      const attempt = await findAttemptForJob(deps.ds, data.tenantId, data.campaignId, data.callAttemptId);
      if (!attempt) throw new UnrecoverableError(`call attempt ${data.callAttemptId} does not exist for this tenant and campaign`);
      // Jobs are added only after the attempt ended; if not yet visible, retry with backoff.
      if (!attempt.ended_at) throw new Error(`call attempt ${data.callAttemptId} has not ended yet`);
      const counted = await foldAttempt(deps, data.callAttemptId);
      const completed = await checkCampaignCompletion(deps, data.tenantId, data.campaignId);
      return { counted, completed };
    });
  };
}
