import type { Redis } from '@dialer/queue';

/**
 * Fixed window per key in Redis, so the limit holds across replicas: INCR, and on the first hit of
 * a window set its expiry. Answers {count, ms left in the window}.
 */
const FIXED_WINDOW = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (the Retry-After of a 429). */
  resetSeconds: number;
}

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  async hit(id: string): Promise<RateDecision> {
    const [count, ttl] = (await this.redis.eval(FIXED_WINDOW, 1, `${this.prefix}:ratelimit:${id}`, this.windowMs)) as [number, number];
    return {
      allowed: count <= this.limit,
      limit: this.limit,
      remaining: Math.max(0, this.limit - count),
      resetSeconds: Math.max(1, Math.ceil(ttl / 1000)),
    };
  }
}
