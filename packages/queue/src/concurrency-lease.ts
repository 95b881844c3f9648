import type { Redis } from './redis';
import { slotFreedChannel } from './catalog';

/**
 * Default expiry of a concurrency slot without a terminal webhook (LEASE_TTL_MS of the services that
 * take or rebuild slots): 4 h 15 min, longer than the longest call a connection may allow
 * (timeLimitSeconds ≤ 14,400).
 */
export const DEFAULT_LEASE_TTL_MS = 15_300_000;

/**
 * Per-campaign concurrency lease. A sorted set per campaign holds one member per live call attempt,
 * scored by its expiry in Redis time (TIME, never host clocks). Acquire and release are Lua scripts,
 * both idempotent: acquiring a member already held extends it; releasing one not held does nothing.
 *
 * Loss detection: a marker key (`<prefix>:lease:intact`, no expiry) is set when the leases are known
 * to be complete. If Redis loses its data (FLUSHALL, a restart without persistence) the marker goes
 * with it, and `take()` answers `lost` instead of granting a slot from an empty set: the caller
 * rebuilds the leases from Postgres (`rebuild()`, which sets the marker again) before any new dial.
 */
const ACQUIRE = `
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl * 2)
  return 1
end
return 0
`;

const RELEASE = `
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
if removed == 1 then redis.call('PUBLISH', KEYS[2], ARGV[2]) end
return removed
`;

/** KEYS[1] = lease key; ARGV = member, ttl ms. Answers 1 when the member was held, 0 when it was added back. */
const EXTEND = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local held = score and tonumber(score) > now
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
if redis.call('PTTL', KEYS[1]) < ttl * 2 then redis.call('PEXPIRE', KEYS[1], ttl * 2) end
if held then return 1 end
return 0
`;

const COUNT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])
`;

/**
 * KEYS[1] = marker, KEYS[2..] = lease keys; ARGV[1] = ttl ms, then one member per lease key.
 * Only when the marker is missing (a rebuild already done by someone else is not repeated).
 */
const REBUILD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], now + ttl, ARGV[i])
  redis.call('PEXPIRE', KEYS[i], ttl * 2)
end
redis.call('SET', KEYS[1], now)
return 1
`;

/** held: the slot is ours; full: every slot is taken; lost: Redis lost the leases, rebuild first. */
export type TakeResult = 'held' | 'full' | 'lost';

/** A live call attempt that must hold a slot: its campaign and lease member. */
export interface LiveLease {
  campaignId: string;
  member: string;
}

export class ConcurrencyLease {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(campaignId: string): string {
    return `${this.prefix}:lease:${campaignId}`;
  }

  /** The marker that says the leases are complete (absent after Redis lost its data). */
  markerKey(): string {
    return `${this.prefix}:lease:intact`;
  }

  /** Takes a slot for `member` if fewer than `limit` are held; true when held. Ignores the loss marker. */
  async acquire(campaignId: string, member: string, limit: number, ttlMs: number): Promise<boolean> {
    return (await this.eval(campaignId, member, limit, ttlMs, false)) === 1;
  }

  /**
   * Like acquire, but refuses (`lost`) while the leases are not known to be complete, so a slot is
   * never granted from a set that Redis emptied. The dial path uses this, before and after it
   * commits the attempt.
   */
  async take(campaignId: string, member: string, limit: number, ttlMs: number): Promise<TakeResult> {
    const r = await this.eval(campaignId, member, limit, ttlMs, true);
    return r === 1 ? 'held' : r === -1 ? 'lost' : 'full';
  }

  private async eval(campaignId: string, member: string, limit: number, ttlMs: number, requireMarker: boolean): Promise<number> {
    return Number(await this.redis.eval(
      ACQUIRE, 2, this.key(campaignId), this.markerKey(), member, String(limit), String(ttlMs), requireMarker ? '1' : '0'));
  }

  /** Frees the slot and announces it on the slot-freed channel; true when it was held. */
  async release(campaignId: string, member: string): Promise<boolean> {
    const r = await this.redis.eval(RELEASE, 2, this.key(campaignId), slotFreedChannel(this.prefix), member, campaignId);
    return r === 1;
  }

  /**
   * Moves the member's expiry to `ttlMs` from now (and the set's with it), for a call the provider
   * says is still live. A member that expired meanwhile is added back whatever the limit: the call
   * holds a slot, and no new dial is granted while the count is at or over the limit. True when it
   * was still held.
   */
  async extend(campaignId: string, member: string, ttlMs: number): Promise<boolean> {
    return Number(await this.redis.eval(EXTEND, 1, this.key(campaignId), member, String(ttlMs))) === 1;
  }

  /** Live slots (expired ones are dropped first). */
  async held(campaignId: string): Promise<number> {
    return Number(await this.redis.eval(COUNT, 1, this.key(campaignId)));
  }

  async members(campaignId: string): Promise<string[]> {
    return this.redis.zrange(this.key(campaignId), 0, -1);
  }

  /** True while the leases are known to be complete (the marker exists). */
  async intact(): Promise<boolean> {
    return (await this.redis.exists(this.markerKey())) === 1;
  }

  /**
   * Re-adds the slots of every live call attempt (read from Postgres by the caller) and sets the
   * marker, in one script, unless the marker exists already (someone else rebuilt first: false).
   */
  async rebuild(live: LiveLease[], ttlMs: number): Promise<boolean> {
    const keys = [this.markerKey(), ...live.map((l) => this.key(l.campaignId))];
    const args = [String(ttlMs), ...live.map((l) => l.member)];
    return Number(await this.redis.eval(REBUILD, keys.length, ...keys, ...args)) === 1;
  }
}

/**
 * Rebuilds the leases at most once at a time in this process: concurrent callers that found them
 * lost share one rebuild. `load` reads the live call attempts from Postgres.
 */
export class LeaseRecovery {
  private running: Promise<boolean> | null = null;

  constructor(
    private readonly lease: ConcurrencyLease,
    private readonly load: () => Promise<LiveLease[]>,
    private readonly ttlMs: number,
    private readonly onRebuilt?: (count: number) => void,
  ) {}

  /** Rebuilds if the marker is missing; true when this call (or the one it joined) rebuilt. */
  ensure(): Promise<boolean> {
    this.running ??= (async () => {
      try {
        if (await this.lease.intact()) return false;
        const live = await this.load();
        const rebuilt = await this.lease.rebuild(live, this.ttlMs);
        if (rebuilt) this.onRebuilt?.(live.length);
        return rebuilt;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
