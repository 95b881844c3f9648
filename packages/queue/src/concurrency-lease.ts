import type { Redis } from 'ioredis';
import { slotFreedChannel } from './catalog';

/**
 * Per-campaign concurrency lease. A sorted set per campaign holds one member per live call attempt,
 * scored by its expiry in Redis time (TIME, never host clocks). Acquire and release are Lua scripts,
 * both idempotent: acquiring a member already held extends it; releasing one not held does nothing.
 */
const ACQUIRE = `
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

const COUNT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])
`;

export class ConcurrencyLease {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(campaignId: string): string {
    return `${this.prefix}:lease:${campaignId}`;
  }

  /** Takes a slot for `member` if fewer than `limit` are held; true when held. */
  async acquire(campaignId: string, member: string, limit: number, ttlMs: number): Promise<boolean> {
    const r = await this.redis.eval(ACQUIRE, 1, this.key(campaignId), member, String(limit), String(ttlMs));
    return r === 1;
  }

  /** Frees the slot and announces it on the slot-freed channel; true when it was held. */
  async release(campaignId: string, member: string): Promise<boolean> {
    const r = await this.redis.eval(RELEASE, 2, this.key(campaignId), slotFreedChannel(this.prefix), member, campaignId);
    return r === 1;
  }

  /** Live slots (expired ones are dropped first). */
  async held(campaignId: string): Promise<number> {
    return Number(await this.redis.eval(COUNT, 1, this.key(campaignId)));
  }

  async members(campaignId: string): Promise<string[]> {
    return this.redis.zrange(this.key(campaignId), 0, -1);
  }
}
