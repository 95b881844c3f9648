import type { Redis } from './redis';

/**
 * Generic cell rate algorithm in Lua, in Redis time: each call reserves the next free instant of
 * its key (one every 1/rate seconds) and learns how long to wait for it; a reservation further away
 * than `maxWaitMs` is refused (-1) and reserves nothing. Shared by every process on the same Redis.
 */
const TURN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local maxWait = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(tat, now)
if at - now > maxWait then return -1 end
redis.call('SET', KEYS[1], tostring(at + interval), 'PX', math.ceil(at + interval - now) + 1000)
return math.ceil(at - now)
`;

export class RateLimit {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(name: string): string {
    return `${this.prefix}:rate:${name}`;
  }

  /**
   * Reserves one turn of `name` at `perSecond`; resolves with the milliseconds to wait for it
   * (0: now), or null when the next turn is more than `maxWaitMs` away (nothing reserved).
   */
  async reserve(name: string, perSecond: number, maxWaitMs: number): Promise<number | null> {
    if (!(perSecond > 0)) return 0;
    const r = Number(await this.redis.eval(TURN, 1, this.key(name), String(1000 / perSecond), String(maxWaitMs)));
    return r < 0 ? null : r;
  }
}
