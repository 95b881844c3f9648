import { foldLeadCountDeltas, type DataSource } from '@dialer/db';
import { PeriodicTask, type Logger } from '@dialer/platform';
import type { CampaignEventsPublisher } from './campaign-events.publisher';

/**
 * Every `intervalMs`, folds the lead-count deltas the `leads` triggers appended into the campaign
 * counters (keeping stats reads short), and tells live views which campaigns moved. Reads are exact
 * without it (they add the pending deltas); it only keeps them fast.
 */
export class LeadCountsFolder {
  private readonly loop: PeriodicTask;

  constructor(private readonly deps: { ds: DataSource; events: CampaignEventsPublisher; logger: Logger; intervalMs: number }) {
    this.loop = new PeriodicTask('lead counts fold', deps.intervalMs, () => this.foldOnce(), deps.logger);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async foldOnce(): Promise<number> {
    const touched = await foldLeadCountDeltas(this.deps.ds);
    await this.deps.events.statsChanged(touched);
    return touched.length;
  }
}
