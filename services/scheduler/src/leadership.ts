import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@dialer/platform';
import type { Redis } from '@dialer/queue';

/** Extends the lock only while it is still ours (a token check and the expiry in one step). */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes the lock only while it is still ours: a late release never frees another replica's lock. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** The leader lock of one queue prefix (inside its hash tag, so it lives in the prefix's Cluster slot). */
export function leaderKey(prefix: string): string {
  return `${prefix}:scheduler:leader`;
}

export interface LeadershipOptions {
  redis: Redis;
  key: string;
  /** Expiry of the lock, counted by Redis; renewed every third of it. */
  ttlMs: number;
  /** How often a standby tries to take the lock. */
  retryMs: number;
  logger: Logger;
  /** Starts the leader's work; resolves with the function that stops it. */
  lead: () => Promise<() => Promise<void>>;
  onChange?: (leading: boolean) => void;
}

/**
 * One leader per queue prefix through a Redis lock: SET key token NX PX ttl takes it, a token-checked
 * PEXPIRE (Lua) renews it every ttl/3, a token-checked DEL releases it on a graceful stop. The expiry
 * lives in Redis, so when the leader dies (kill -9, a lost node) the lock lapses after at most ttl and
 * a standby, trying every retryMs, takes over. A leader that cannot renew (Redis unreachable or
 * hanging, lock taken) stops its work before the lock can have lapsed: a watchdog steps it down once
 * only a fifth of the ttl is left since its last renewal was sent (this process's monotonic clock,
 * measured from before the request, so it errs on the early side), even while a renewal hangs.
 *
 * Leadership is an efficiency guarantee, not the safety one: in the short overlap a paused process
 * could cause, the feeder's FOR UPDATE SKIP LOCKED, the deterministic dial job ids and the unique
 * (lead, attempt) row still prevent a doubled job or dial; the reconciler's applied outcomes are
 * idempotent (statuses only move forward).
 */
export class Leadership {
  readonly token = randomUUID();
  private stopLeading: (() => Promise<void>) | null = null;
  private validUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Redis refused the last attempt: said once, not at every try of an outage. */
  private failing = false;
  private watchdog: NodeJS.Timeout | null = null;
  private steppingDown: Promise<void> | null = null;

  constructor(private readonly o: LeadershipOptions) {}

  get leading(): boolean {
    return this.stopLeading !== null;
  }

  start(): void {
    this.schedule(0);
  }

  /** Stops the leader's work (if leading) and then releases the lock, so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.steppingDown;
    if (this.leading) await this.stepDown(true);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.tick().finally(() => {
        this.running = null;
        this.schedule(this.leading ? Math.floor(this.o.ttlMs / 3) : this.o.retryMs);
      });
    }, ms);
  }

  private async tick(): Promise<void> {
    const { logger } = this.o;
    const sentAt = performance.now();
    try {
      await this.step(sentAt);
      if (this.failing) logger.info('the scheduler leader lock is reachable again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) logger.warn({ err }, 'the scheduler leader lock could not be taken or renewed; trying again');
      this.failing = true;
    }
  }

  /** Steps down when the lock may lapse before the next renewal lands (re-armed by each renewal). */
  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    const ms = Math.max(0, this.validUntil - this.o.ttlMs / 5 - performance.now());
    this.watchdog = setTimeout(() => {
      this.watchdog = null;
      if (!this.leading || this.stopped) return;
      this.o.logger.warn('the scheduler leader lock could not be renewed in time: stepping down');
      this.steppingDown = this.stepDown(false).finally(() => {
        this.steppingDown = null;
      });
    }, ms);
  }

  private async step(sentAt: number): Promise<void> {
    const { redis, key, ttlMs, logger } = this.o;
    if (this.leading) {
      const renewed = Number(await redis.eval(RENEW, 1, key, this.token, ttlMs)) === 1;
      // The watchdog may have stepped down while the renewal hung: the lock then lapses unused.
      if (!this.leading) return;
      if (renewed) {
        this.validUntil = sentAt + ttlMs;
        this.armWatchdog();
        return;
      }
      logger.warn('the scheduler leader lock was lost (expired or taken): stepping down');
      await this.stepDown(false);
      return;
    }
    if ((await redis.set(key, this.token, 'PX', ttlMs, 'NX')) !== 'OK') return;
    this.validUntil = sentAt + ttlMs;
    try {
      this.stopLeading = await this.o.lead();
    } catch (err) {
      logger.error({ err }, 'could not start the leader\'s work: lock released, trying again later');
      await redis.eval(RELEASE, 1, key, this.token).catch(() => undefined);
      return;
    }
    this.armWatchdog();
    this.o.onChange?.(true);
    logger.info('leader: running the feeder, the scheduler tick and the reconciler');
  }

  private async stepDown(release: boolean): Promise<void> {
    const stopWork = this.stopLeading;
    this.stopLeading = null;
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
    this.o.onChange?.(false);
    await stopWork?.().catch((err: unknown) => this.o.logger.error({ err }, 'stopping the leader\'s work failed'));
    if (release) {
      await this.o.redis.eval(RELEASE, 1, this.o.key, this.token)
        .catch((err: unknown) => this.o.logger.warn({ err }, 'the scheduler leader lock could not be released; it expires on its own'));
    }
  }
}
