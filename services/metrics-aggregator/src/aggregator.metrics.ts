import { Counter, Gauge, type Registry } from 'prom-client';
import type { DataSource } from '@dialer/db';
import type { Logger } from '@dialer/platform';
import type { Queue } from 'bullmq';
import { countLiveCalls } from './call-attempts.repository';

export interface AggregatorMetrics {
  callsFolded: Counter<'outcome'>;
  campaignsCompleted: Counter<string>;
}

const JOB_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/**
 * Counters moved by the folds, and gauges read at scrape time: queue depths (getJobCounts) and the
 * number of live calls. A gauge whose source is unreachable keeps its last value and logs.
 */
export function createAggregatorMetrics(registry: Registry, deps: { ds: DataSource; queues: Queue[]; logger: Logger }): AggregatorMetrics {
  const callsFolded = new Counter({
    name: 'dialer_calls_folded_total',
    help: 'Ended call attempts folded into campaign stats, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const campaignsCompleted = new Counter({
    name: 'dialer_campaigns_completed_total',
    help: 'Campaigns completed because nothing was left to do',
    registers: [registry],
  });
  new Gauge({
    name: 'dialer_queue_jobs',
    help: 'Jobs in each queue by state (waiting, delayed, active, failed)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const q of deps.queues) {
        try {
          const counts = await q.getJobCounts(...JOB_STATES);
          for (const s of JOB_STATES) this.set({ queue: q.name, state: s }, counts[s] ?? 0);
        } catch (err) {
          deps.logger.warn({ err, queue: q.name }, 'could not read queue counts');
        }
      }
    },
  });
  new Gauge({
    name: 'dialer_live_calls',
    help: 'Call attempts placed and not ended yet, over all campaigns',
    registers: [registry],
    async collect() {
      try {
        this.set(await countLiveCalls(deps.ds));
      } catch (err) {
        deps.logger.warn({ err }, 'could not count live calls');
      }
    },
  });
  return { callsFolded, campaignsCompleted };
}
