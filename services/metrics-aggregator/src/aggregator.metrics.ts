import { Counter, Gauge, type Registry } from 'prom-client';
import { findRunningCampaigns, type DataSource, type RunningCampaign } from '@dialer/db';
import { clock, type Logger } from '@dialer/platform';
import type { Queue } from 'bullmq';
import { isCallableAt, leadZones, rulesForCallee } from '@dialer/domain';
import type { ConcurrencyLease } from '@dialer/queue';
import { countLiveCalls } from './attempt-lookups.repository';
import { nextDialableLeads, type NextLeadRow } from './campaigns.repository';

export interface AggregatorMetrics {
  callsFolded: Counter<'outcome'>;
  campaignsCompleted: Counter<string>;
}

const JOB_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;
/** BullMQ keeps jobs with a priority (every dial job) apart from plain waiting ones; both wait to run. */
const READ_STATES = [...JOB_STATES, 'prioritized'] as const;

/**
 * Counters moved by the folds, and gauges read at scrape time: queue depths (getJobCounts) and the
 * number of live calls. A gauge whose source is unreachable keeps its last value and logs.
 */
export interface AggregatorMetricsDeps {
  ds: DataSource;
  queues: Queue[];
  lease: ConcurrencyLease;
  logger: Logger;
}

export interface SlotFigures {
  leasesHeld: number;
  dialableNow: number;
}

/**
 * The feeder's rule for one lead at `now`: a pending lead must have attempts left, and the calling
 * window — the campaign's schedule intersected with the callee's rule pack — must be open in every
 * candidate zone of the lead.
 */
export function callableNow(c: RunningCampaign, l: NextLeadRow, now: Date): boolean {
  if (l.status === 'pending' && l.attempts >= c.max_attempts) return false;
  return isCallableAt(rulesForCallee(c.calling_window ?? {}, l.phone_e164), leadZones(l.timezones, c.default_timezone), now);
}

/**
 * Over running campaigns: concurrency slots held, and the dial jobs that could start right now —
 * per campaign the smaller of its free slots and its next leads (queued, or pending and due) that
 * are callable now by the feeder's rule, on the dialer's clock. The autoscaling signal for
 * dialer-workers: more replicas help only when this is above zero. Bounded work: at most
 * `free slots` leads read per campaign.
 */
export async function slotFigures(deps: Pick<AggregatorMetricsDeps, 'ds' | 'lease'>, now = clock.now()): Promise<SlotFigures> {
  let leasesHeld = 0;
  let dialableNow = 0;
  for (const c of await findRunningCampaigns(deps.ds, null)) {
    const held = await deps.lease.held(c.id);
    leasesHeld += held;
    const free = Math.max(0, c.max_concurrent_calls - held);
    if (free === 0) continue;
    const leads = await nextDialableLeads(deps.ds, c.id, free, now);
    const callable = leads.filter((l) => callableNow(c, l, now)).length;
    dialableNow += Math.min(free, callable);
  }
  return { leasesHeld, dialableNow };
}

export function createAggregatorMetrics(registry: Registry, deps: AggregatorMetricsDeps): AggregatorMetrics {
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
          const counts = await q.getJobCounts(...READ_STATES);
          counts.waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
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
  // Both slot gauges come from one pass, shared by the scrape that reads them.
  let slots: { at: number; value: Promise<SlotFigures> } | undefined;
  const currentSlots = (): Promise<SlotFigures> => {
    if (!slots || Date.now() - slots.at > 1_000) slots = { at: Date.now(), value: slotFigures(deps) };
    return slots.value;
  };
  new Gauge({
    name: 'dialer_leases_held',
    help: 'Concurrency slots held (live calls by lease), over running campaigns',
    registers: [registry],
    async collect() {
      try {
        this.set((await currentSlots()).leasesHeld);
      } catch (err) {
        deps.logger.warn({ err }, 'could not count leases held');
      }
    },
  });
  new Gauge({
    name: 'dialer_dialable_now',
    help: 'Dial jobs that could start now: per running campaign, min(free slots, leads due with their calling window open)',
    registers: [registry],
    async collect() {
      try {
        this.set((await currentSlots()).dialableNow);
      } catch (err) {
        deps.logger.warn({ err }, 'could not compute the dialable-now gauge');
      }
    },
  });
  return { callsFolded, campaignsCompleted };
}
