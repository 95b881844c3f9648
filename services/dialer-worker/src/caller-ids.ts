import { callerIdUsesSince, findDialPool, type DataSource, type DialPool } from '@dialer/db';
import { callerIdCandidates, type ProviderType } from '@dialer/domain';
import { utcDayStart, type CallerIdUsage } from '@dialer/queue';
import { TtlCache } from './ttl-cache';

/** What a call goes out from: a pool's number, or the campaign's/connection's fixed caller id. */
export type CallerIdChoice =
  | { kind: 'pool'; number: string; providerNumberId: string | null }
  /** No pool, or none of its numbers usable and the pool is not "pool only": the fixed caller id. */
  | { kind: 'fixed' }
  /** None of the numbers is usable and the pool is "pool only": try again in `waitMs` (null: not before the pool changes). */
  | { kind: 'wait'; waitMs: number | null };

export interface CallerIdRequest {
  tenantId: string;
  campaignId: string;
  connectionId: string;
  providerType: ProviderType;
  /** The callee, E.164. */
  to: string;
}

/**
 * Chooses each call's caller id from the campaign's (else its connection's) pool: the callee's area
 * code, else their state or region, else the pool's default, least used today, skipping paused,
 * capped and cooling-down numbers (`callerIdCandidates`, counted in Redis by `CallerIdUsage`).
 * Pools are cached for a few seconds per campaign (a paused number stops being chosen within that).
 */
export class CallerIdChooser {
  private readonly pools: TtlCache<DialPool | null>;
  private readonly rebuilds = new Map<string, Promise<void>>();

  constructor(
    private readonly ds: DataSource,
    private readonly usage: Pick<CallerIdUsage, 'pick' | 'rebuild'>,
    ttlMs = 5_000,
  ) {
    this.pools = new TtlCache(ttlMs, 10_000);
  }

  async choose(req: CallerIdRequest): Promise<CallerIdChoice> {
    const pool = await this.pools.get(`${req.tenantId}:${req.campaignId}:${req.connectionId}`,
      () => findDialPool(this.ds, req.tenantId, req.campaignId, req.connectionId));
    if (!pool) return { kind: 'fixed' };
    // Vapi places a call from a number it knows by id: only numbers with that id can be used.
    const numbers = req.providerType === 'vapi' ? pool.numbers.filter((n) => n.providerNumberId) : pool.numbers;
    const tiers = callerIdCandidates(numbers, req.to).map((t) => t.numbers);
    const none = (): CallerIdChoice => (pool.poolOnly ? { kind: 'wait', waitMs: null } : { kind: 'fixed' });
    if (tiers.length === 0) return none();
    let pick = await this.usage.pick(req.tenantId, tiers);
    if (pick.kind === 'lost') {
      await this.rebuild(req.tenantId, pick.day);
      pick = await this.usage.pick(req.tenantId, tiers);
    }
    if (pick.kind === 'picked') {
      const n = numbers.find((x) => x.number === pick.number);
      return { kind: 'pool', number: pick.number, providerNumberId: n?.providerNumberId ?? null };
    }
    if (pick.kind === 'wait') return pool.poolOnly ? { kind: 'wait', waitMs: pick.waitMs } : { kind: 'fixed' };
    if (pick.kind === 'lost') throw new Error('the caller-id counts could not be rebuilt');
    return none();
  }

  /** Today's counts from Postgres, once at a time per tenant in this process. */
  private rebuild(tenantId: string, day: number): Promise<void> {
    const key = `${tenantId}:${day}`;
    let running = this.rebuilds.get(key);
    if (!running) {
      running = (async () => {
        try {
          const uses = await callerIdUsesSince(this.ds, tenantId, utcDayStart(day));
          await this.usage.rebuild(tenantId, day, uses);
        } finally {
          this.rebuilds.delete(key);
        }
      })();
      this.rebuilds.set(key, running);
    }
    return running;
  }
}
