import type { Queue } from 'bullmq';
import { findCampaignsToFeed, findOrphanedQueuedLeads, type DataSource } from '@dialer/db';
import { clock, isUuid, maskPhones, type Logger } from '@dialer/platform';
import { closeRedis, createQueue, dialJobId, dialPriority, QUEUES, slotFreedChannel, type DialJob, type Redis } from '@dialer/queue';
import { feedCampaigns, type HopperSize } from './feed-campaign';
import { schedulerTick } from './scheduler-tick';

export interface FeederOptions extends HopperSize {
  ds: DataSource;
  /** Producer connection for the dial queue (shared; not closed by the feeder). */
  connection: Redis;
  /** A connection of the feeder's own for pub/sub; the feeder closes it on stop. */
  subscriber: Redis;
  prefix: string;
  logger: Logger;
  intervalMs: number;
  orphanMs: number;
  schedulerIntervalMs?: number;
  /**
   * How long a freed slot's refill waits for other freed slots to join it (FEEDER_SLOT_GATHER_MS):
   * one pass then refills all their campaigns together. The hopper holds twice the campaign's limit,
   * so this delays no call.
   */
  slotGatherMs?: number;
}

interface Pending {
  all: boolean;
  campaigns: Set<string>;
  orphans: boolean;
  schedule: boolean;
}

export interface FeedReport {
  campaigns: number;
  enqueued: number;
  deferred: number;
  ended: number;
}

const ORPHAN_BATCH = 5000;
/** Campaigns fed in one transaction (feedCampaigns) and their jobs added together. */
const FEED_CHUNK = 100;

/**
 * Turns due leads into dial jobs, keeping a bounded hopper per running campaign. Runs on a timer,
 * at once when a concurrency slot is freed (pub/sub), re-adds jobs of leads queued too long
 * (Redis loss, crash between commit and addBulk), and runs the scheduler tick. Work never overlaps:
 * triggers during a pass are coalesced into the next one.
 */
export class Feeder {
  private readonly queue: Queue;
  private readonly channel: string;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly pending: Pending = { all: false, campaigns: new Set(), orphans: false, schedule: false };
  private loop: Promise<void> | null = null;
  private stopped = false;
  private started = false;
  private lastReport: FeedReport = { campaigns: 0, enqueued: 0, deferred: 0, ended: 0 };
  private gathering: NodeJS.Timeout | null = null;

  constructor(private readonly o: FeederOptions) {
    this.queue = createQueue('dial', o.connection, o.prefix);
    this.channel = slotFreedChannel(o.prefix);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.o.subscriber.on('message', this.onMessage);
    await this.o.subscriber.subscribe(this.channel);
    const every = (ms: number, fn: () => void): void => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.o.intervalMs, () => void this.requestFeed());
    every(this.o.orphanMs, () => void this.requestOrphanRecovery());
    every(this.o.schedulerIntervalMs ?? 1000, () => void this.requestSchedule());
    void this.requestSchedule();
    void this.requestFeed();
  }

  /** Awaits the pass in flight, unsubscribes and closes the feeder's own connections. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.gathering) clearTimeout(this.gathering);
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    await this.loop?.catch(() => undefined);
    this.o.subscriber.off('message', this.onMessage);
    try {
      if (this.started) await this.o.subscriber.unsubscribe(this.channel);
    } catch {
      // closing anyway
    }
    await closeRedis(this.o.subscriber);
    await this.queue.close();
  }

  /** A full feed pass over every running campaign; resolves when it has run. */
  requestFeed(): Promise<FeedReport> {
    this.pending.all = true;
    return this.kick().then(() => this.lastReport);
  }

  requestOrphanRecovery(): Promise<void> {
    this.pending.orphans = true;
    return this.kick();
  }

  requestSchedule(): Promise<void> {
    this.pending.schedule = true;
    return this.kick();
  }

  private readonly onMessage = (channel: string, message: string): void => {
    if (channel !== this.channel || !isUuid(message)) return;
    this.pending.campaigns.add(message);
    const gather = this.o.slotGatherMs ?? 0;
    if (gather <= 0) {
      void this.kick();
      return;
    }
    if (this.gathering) return;
    this.gathering = setTimeout(() => {
      this.gathering = null;
      void this.kick();
    }, gather);
    this.gathering.unref();
  };

  private kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.loop) return this.loop;
    const run = async (): Promise<void> => {
      await null; // this.loop is set before the first check below
      for (;;) {
        const work = this.take();
        if (!work || this.stopped) {
          this.loop = null;
          return;
        }
        await this.runPass(work);
      }
    };
    this.loop = run();
    return this.loop;
  }

  private take(): Pending | null {
    const p = this.pending;
    if (!p.all && !p.campaigns.size && !p.orphans && !p.schedule) return null;
    const work: Pending = { all: p.all, campaigns: new Set(p.campaigns), orphans: p.orphans, schedule: p.schedule };
    p.all = false;
    p.campaigns.clear();
    p.orphans = false;
    p.schedule = false;
    return work;
  }

  private async runPass(work: Pending): Promise<void> {
    const { logger } = this.o;
    if (work.schedule) {
      await schedulerTick(this.o.ds, logger).catch((err: unknown) => logger.error({ err: err }, 'scheduler tick failed'));
    }
    if (work.all) {
      await this.refillIfRedisLost().catch((err: unknown) => logger.error({ err: err }, 'hopper refill after a Redis loss failed'));
    }
    if (work.all || work.campaigns.size) {
      await this.feed(work.all ? null : [...work.campaigns]).then(
        (r) => {
          this.lastReport = r;
        },
        (err: unknown) => logger.error({ err: err }, 'feeder pass failed'));
    }
    if (work.orphans) {
      await this.recoverOrphans().catch((err: unknown) => logger.error({ err: err }, 'orphan recovery failed'));
    }
  }

  private async feed(only: string[] | null): Promise<FeedReport> {
    const { ds, logger } = this.o;
    // One query finds the campaigns with due leads and room in their hopper: a pass over many idle
    // campaigns costs one statement, not one (or a transaction) per campaign.
    const now = clock.now();
    const campaigns = await findCampaignsToFeed(ds, only, this.o, now);
    const report: FeedReport = { campaigns: campaigns.length, enqueued: 0, deferred: 0, ended: 0 };
    for (let i = 0; i < campaigns.length && !this.stopped; i += FEED_CHUNK) {
      const chunk = campaigns.slice(i, i + FEED_CHUNK);
      const jobs: Array<{ data: DialJob; position: number }> = [];
      try {
        const results = await feedCampaigns(ds, chunk, this.o, now);
        for (const [campaignId, r] of results) {
          report.deferred += r.deferred;
          report.ended += r.ended;
          r.jobs.forEach((data, k) => jobs.push({ data, position: r.firstPosition + k }));
          if (r.jobs.length) logger.debug({ campaignId, enqueued: r.jobs.length }, 'hopper topped up');
        }
        if (jobs.length) await this.addJobs(jobs);
        report.enqueued += jobs.length;
      } catch (err) {
        // Leads queued but not added stay 'queued': orphan recovery re-adds their jobs.
        logger.error({ err: err, campaigns: chunk.length }, 'feeding campaigns failed');
      }
    }
    return report;
  }

  /** Adds dial jobs, each with its lead's hopper position as priority (see dialPriority). */
  private async addJobs(jobs: Array<{ data: DialJob; position: number }>): Promise<void> {
    const withIds = jobs.map((j) => ({ ...j, jobId: dialJobId(j.data.leadId, j.data.attemptNo) }));
    await this.removeFinishedJobs(withIds.map((j) => j.jobId));
    await this.queue.addBulk(withIds.map(({ data, position, jobId }) => ({
      name: QUEUES.dial.name,
      data,
      opts: { ...QUEUES.dial.options, jobId, priority: dialPriority(position) },
    })));
  }

  /**
   * A lead can come back to pending without spending its attempt (campaign paused, provider at
   * capacity), so the same job id is due again while its completed job is still kept in Redis;
   * BullMQ would then ignore the add. Such completed jobs are removed first. So are failed ones: a
   * job fails for the dialer's own reasons (a worker killed twice while holding it: "stalled more
   * than allowable limit"; tries used up on errors), never for the lead's, and a lead still queued
   * must be dialled, so its job is added again (at most once per FEEDER_ORPHAN_MS for a lead).
   * Jobs waiting or active stay: the add is a no-op for them, as intended. The attempt row's
   * uniqueness guards against double dialling in any case.
   */
  private async removeFinishedJobs(jobIds: string[]): Promise<void> {
    const pipeline = this.o.connection.pipeline();
    for (const id of jobIds) pipeline.exists(this.queue.toKey(id));
    const found = (await pipeline.exec()) ?? [];
    const existing = jobIds.filter((_, i) => found[i]?.[1] === 1);
    for (const id of existing) {
      const state = await this.queue.getJobState(id);
      if (state === 'completed') await this.queue.remove(id);
      else if (state === 'failed') {
        const failed = await this.queue.getJob(id);
        this.o.logger.warn({ jobId: id, failedReason: maskPhones(failed?.failedReason ?? '') },
          'dial job had failed for a lead still queued: adding it again');
        await this.queue.remove(id);
      }
    }
  }

  /**
   * A marker key (no expiry) says the hopper's jobs are in Redis. When Redis lost its data the
   * marker is gone: the dial job of every queued lead is re-added at once (same deterministic ids),
   * instead of after FEEDER_ORPHAN_MS, and the marker is set again.
   */
  private async refillIfRedisLost(): Promise<void> {
    const marker = `${this.o.prefix}:feeder:hopper-intact`;
    if ((await this.o.connection.exists(marker)) === 1) return;
    // One batch: hoppers are small (a few times each campaign's limit); any rest is an ordinary orphan.
    const total = await this.recoverOrphans(0);
    await this.o.connection.set(marker, String(Date.now()));
    if (total) this.o.logger.warn({ jobs: total }, 'dial jobs of queued leads re-added after Redis lost them');
  }

  /**
   * Re-adds the dial job of every lead queued for longer than orphanMs in a running campaign. The job
   * id is the same deterministic one, so a job still in Redis is not added twice.
   */
  private async recoverOrphans(olderThanMs = this.o.orphanMs): Promise<number> {
    const rows = await findOrphanedQueuedLeads(this.o.ds, olderThanMs, ORPHAN_BATCH);
    if (!rows.length) return 0;
    // Positions count per campaign, so re-added hoppers are dialled in turns too.
    const seen = new Map<string, number>();
    await this.addJobs(rows.map((r) => {
      const position = (seen.get(r.campaign_id) ?? 0) + 1;
      seen.set(r.campaign_id, position);
      return { data: { tenantId: r.tenant_id, campaignId: r.campaign_id, leadId: r.id, attemptNo: r.attempts + 1 }, position };
    }));
    this.o.logger.debug({ count: rows.length }, 'orphaned dial jobs re-added');
    return rows.length;
  }
}
