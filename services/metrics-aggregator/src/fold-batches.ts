import { Batcher } from '@dialer/platform';
import { findAttemptsForJobs } from './attempt-lookups.repository';
import { checkCampaignsCompletion, foldAttempts, type FoldDeps } from './fold-and-announce';

/** What a callFinished job names. */
export interface FinishedCall {
  tenantId: string;
  campaignId: string;
  callAttemptId: string;
}

/**
 * folded: counted (false when already counted) and whether this job completed the campaign;
 * unknown: no such attempt for that tenant and campaign; not_ended: the attempt has not ended yet.
 */
export type FinishResult =
  | { kind: 'folded'; counted: boolean; completed: boolean }
  | { kind: 'unknown' }
  | { kind: 'not_ended' };

/** Jobs per batch; more wait for the next one. */
const MAX_BATCH = 200;

/**
 * The callFinished jobs this replica runs at once, folded together (see Batcher: no timer, one batch
 * in flight): one lookup, one fold transaction of three statements and one completion check per
 * batch, instead of each per ended call. Every fold of a single-campaign run updated the same
 * campaign_stats row in its own transaction, so the folds queued on that row's lock.
 */
export function createFoldBatches(deps: FoldDeps): { finish(call: FinishedCall): Promise<FinishResult> } {
  const batcher = new Batcher<FinishedCall, FinishResult>((calls) => finishCalls(deps, calls), {
    maxBatch: MAX_BATCH,
    // A batch that fails as a whole (a deadlock, a lost connection) is run again one job at a time.
    single: async (call) => (await finishCalls(deps, [call]))[0]!,
  });
  return { finish: (call) => batcher.submit(call) };
}

async function finishCalls(deps: FoldDeps, calls: FinishedCall[]): Promise<FinishResult[]> {
  const found = await findAttemptsForJobs(deps.ds, calls.map((c) => c.callAttemptId));
  const results: FinishResult[] = calls.map((c) => {
    const a = found.get(c.callAttemptId);
    if (!a || a.tenant_id !== c.tenantId || a.campaign_id !== c.campaignId) return { kind: 'unknown' };
    return a.ended_at ? { kind: 'folded', counted: false, completed: false } : { kind: 'not_ended' };
  });
  const ready = calls.filter((_, i) => results[i]!.kind === 'folded');
  const counted = await foldAttempts(deps, ready.map((c) => c.callAttemptId));
  const campaigns = new Map(ready.map((c) => [c.campaignId, c]));
  const completed = await checkCampaignsCompletion(deps, [...campaigns.values()]);
  let k = 0;
  calls.forEach((c, i) => {
    if (results[i]!.kind !== 'folded') return;
    // The first job of a campaign that completed it reports so, as a job run alone would.
    const first = completed.delete(c.campaignId);
    results[i] = { kind: 'folded', counted: counted[k++]!, completed: first };
  });
  return results;
}
