import { AppError, sha256Hex } from '@dialer/platform';
import type { Redis } from '@dialer/queue';

/**
 * Failed sign-ins counted per account and per client address in Redis (shared by replicas): after
 * the limit the account (or address) is locked until its window, which starts at the first failure,
 * ends. A success clears the account's count.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxPerAccount: number,
    private readonly maxPerIp: number,
    private readonly windowMs: number,
  ) {}

  private keys(email: string, ip: string): [string, string] {
    return [`${this.prefix}:login:acct:${sha256Hex(email)}`, `${this.prefix}:login:ip:${ip}`];
  }

  /** Throws 429 login_throttled (with Retry-After seconds in details) while the account or address is locked. */
  async check(email: string, ip: string): Promise<void> {
    const [acct, addr] = this.keys(email, ip);
    const r = await this.redis.multi().get(acct).pttl(acct).get(addr).pttl(addr).exec();
    const val = (i: number): number => Number(r?.[i]?.[1] ?? 0);
    const locked = val(0) >= this.maxPerAccount ? { ttl: val(1), what: 'this account' }
      : val(2) >= this.maxPerIp ? { ttl: val(3), what: 'this address' } : undefined;
    if (!locked) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(locked.ttl / 1000));
    throw new AppError('login_throttled',
      `too many failed sign-ins for ${locked.what}: try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`,
      { status: 429, details: { retryAfterSeconds } });
  }

  async failed(email: string, ip: string): Promise<void> {
    const m = this.redis.multi();
    for (const k of this.keys(email, ip)) m.incr(k).pexpire(k, this.windowMs, 'NX');
    await m.exec();
  }

  async succeeded(email: string, ip: string): Promise<void> {
    await this.redis.del(this.keys(email, ip)[0]);
  }
}
