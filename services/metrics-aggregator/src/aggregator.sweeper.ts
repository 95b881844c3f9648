import { listUnfoldedEndedAttempts } from '@dialer/db';
import { PeriodicTask } from '@dialer/platform';
import { checkAllCampaignsCompletion, foldAttempts, type FoldDeps } from './fold-and-announce';

export interface AggregatorSweeperDeps extends FoldDeps {
  intervalMs: number;
}

/** Ended attempts older than this with no fold yet are folded by the sweep (their job was lost). */
export const UNFOLDED_AFTER_MS = 5_000;
const FOLD_BATCH = 500;

/**
 * Crash safety for the fold and campaign completion: every `intervalMs`, folds ended attempts whose
 * callFinished job was lost, and completes running campaigns with nothing left to do (including
 * those whose leads all ended without a call, e.g. all DNC). One sweep at a time.
 */
export class AggregatorSweeper {
  private readonly loop: PeriodicTask;

  constructor(private readonly deps: AggregatorSweeperDeps) {
    this.loop = new PeriodicTask('aggregator sweep', deps.intervalMs, () => this.sweepOnce(), deps.logger);
  }

  private get stopped(): boolean {
    return this.loop.isStopped;
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async sweepOnce(): Promise<{ folded: number; completed: number }> {
    const attempts = await listUnfoldedEndedAttempts(this.deps.ds, UNFOLDED_AFTER_MS, FOLD_BATCH);
    const folded = this.stopped ? 0 : (await foldAttempts(this.deps, attempts.map((a) => a.id))).filter(Boolean).length;
    if (folded) this.deps.logger.info({ folded }, 'sweep folded ended attempts that no job had folded');
    const completed = this.stopped ? 0 : await checkAllCampaignsCompletion(this.deps);
    return { folded, completed };
  }
}
