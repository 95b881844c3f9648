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

/**
 * Nested take: a slot at the campaign, the tenant and the provider account at once, or none.
 * KEYS: 1 marker, 2 campaign set, 3 tenant set, 4 account set, 5 tenant waiters, 6 tenant weights,
 * 7 account waiters, 8 account weights, 9 the member's levels record.
 * ARGV: 1 member, 2 ttl ms, 3 require marker, 4 campaign id, 5 tenant id, 6 campaign limit,
 * 7 tenant limit (-1: none), 8 account limit (-1: none), 9 campaign weight, 10 tenant weight,
 * 11 how long a waiter is remembered (ms), 12 the levels record's value.
 * Members: the campaign set holds `member`, the tenant set `campaignId|member`, the account set
 * `tenantId|member`, so a level counts each group's share of its slots from its own set.
 * Answers 1 held, -1 lost, 0 campaign full, 2 tenant full, 3 tenant's fair share, 4 account full,
 * 5 account's fair share.
 */
const TAKE_NESTED = `
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
local member, cid, tid = ARGV[1], ARGV[4], ARGV[5]
local tmember, amember = cid .. '|' .. member, tid .. '|' .. member
for i = 2, 4 do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now) end
local function hold()
  redis.call('ZADD', KEYS[2], now + ttl, member)
  redis.call('ZADD', KEYS[3], now + ttl, tmember)
  redis.call('ZADD', KEYS[4], now + ttl, amember)
  for i = 2, 4 do if redis.call('PTTL', KEYS[i]) < ttl * 2 then redis.call('PEXPIRE', KEYS[i], ttl * 2) end end
  redis.call('SET', KEYS[9], ARGV[12], 'PX', ttl * 2)
end
if redis.call('ZSCORE', KEYS[2], member) then hold() return 1 end
local wait = tonumber(ARGV[11])
-- One level: false when it is full, or when a waiting group has a smaller weighted share than this
-- one would have with one more slot (it is left for them); a refused group is remembered as waiting.
local function admits(set, limit, waiters, weights, group, weight)
  if limit < 0 then return true end
  redis.call('ZREMRANGEBYSCORE', waiters, '-inf', now)
  redis.call('HSET', weights, group, weight)
  redis.call('PEXPIRE', weights, wait * 4)
  local held = redis.call('ZRANGE', set, 0, -1)
  if #held >= limit then
    redis.call('ZADD', waiters, now + wait, group)
    redis.call('PEXPIRE', waiters, wait * 2)
    return false, 'full'
  end
  local others = redis.call('ZRANGE', waiters, 0, -1)
  if #others == 0 or (#others == 1 and others[1] == group) then return true end
  local count = {}
  for _, m in ipairs(held) do
    local g = string.match(m, '^([^|]*)|')
    if g then count[g] = (count[g] or 0) + 1 end
  end
  local mine = ((count[group] or 0) + 1) / weight
  for _, g in ipairs(others) do
    if g ~= group then
      local w = tonumber(redis.call('HGET', weights, g)) or 1
      if ((count[g] or 0) + 1) / w < mine then
        redis.call('ZADD', waiters, now + wait, group)
        redis.call('PEXPIRE', waiters, wait * 2)
        return false, 'fair'
      end
    end
  end
  return true
end
local climit, tlimit = tonumber(ARGV[6]), tonumber(ARGV[7])
if redis.call('ZCARD', KEYS[2]) >= climit then
  -- The campaign cannot use more of its tenant's budget now: it stops counting as waiting there.
  redis.call('ZREM', KEYS[5], cid)
  return 0
end
local ok, why = admits(KEYS[3], tlimit, KEYS[5], KEYS[6], cid, tonumber(ARGV[9]))
if not ok then
  if why == 'full' then redis.call('ZREM', KEYS[7], tid) end
  if why == 'full' then return 2 end
  return 3
end
ok, why = admits(KEYS[4], tonumber(ARGV[8]), KEYS[7], KEYS[8], tid, tonumber(ARGV[10]))
if not ok then
  if why == 'full' then return 4 end
  return 5
end
hold()
if redis.call('ZCARD', KEYS[2]) >= climit then redis.call('ZREM', KEYS[5], cid) end
if tlimit >= 0 and redis.call('ZCARD', KEYS[3]) >= tlimit then redis.call('ZREM', KEYS[7], tid) end
return 1
`;

/**
 * KEYS: 1 campaign set, 2 tenant set, 3 account set, 4 levels record, 5 slot-freed channel;
 * ARGV: member, tenant member, account member, campaign id. Frees the slot at every level.
 */
const RELEASE_NESTED = `
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
removed = removed + redis.call('ZREM', KEYS[2], ARGV[2]) + redis.call('ZREM', KEYS[3], ARGV[3])
redis.call('DEL', KEYS[4])
if removed > 0 then redis.call('PUBLISH', KEYS[5], ARGV[4]) end
return removed
`;

/** KEYS: campaign, tenant, account sets, levels record; ARGV: member, tenant member, account member, ttl ms. */
const EXTEND_NESTED = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[4])
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local held = score and tonumber(score) > now
for i = 1, 3 do
  redis.call('ZADD', KEYS[i], now + ttl, ARGV[i])
  if redis.call('PTTL', KEYS[i]) < ttl * 2 then redis.call('PEXPIRE', KEYS[i], ttl * 2) end
end
redis.call('PEXPIRE', KEYS[4], ttl * 2)
if held then return 1 end
return 0
`;

/** A levels record (`tenantId|accountGroup`), as takeSlot writes it. */
function parseLevels(v: string | null): { tenantId: string; accountGroup: string } | null {
  const i = v ? v.indexOf('|') : -1;
  return v && i > 0 ? { tenantId: v.slice(0, i), accountGroup: v.slice(i + 1) } : null;
}

/** The levels a call needs a slot at, with their limits (null: no limit at that level). */
export interface SlotClaim {
  campaignId: string;
  tenantId: string;
  /** The provider account the call goes through (a connection id, or the account key connections share). */
  accountGroup: string;
  member: string;
  campaignLimit: number;
  tenantLimit: number | null;
  /** The account's limit available to campaigns (its concurrency less the reserved slots). */
  accountLimit: number | null;
  /** The campaign's weight within its tenant (default 1). */
  campaignWeight?: number;
  /** The tenant's weight on the account (default 1). */
  tenantWeight?: number;
}

/** The level a wait comes from, and whether it is full or the slot is left for a group below its fair share. */
export interface SlotWait {
  level: 'campaign' | 'tenant' | 'connection';
  reason: 'full' | 'fair_share';
}

export type SlotTake = { result: 'held' } | { result: 'lost' } | ({ result: 'wait' } & SlotWait);

const WAITS: Record<number, SlotWait> = {
  0: { level: 'campaign', reason: 'full' },
  2: { level: 'tenant', reason: 'full' },
  3: { level: 'tenant', reason: 'fair_share' },
  4: { level: 'connection', reason: 'full' },
  5: { level: 'connection', reason: 'fair_share' },
};

/** How long a refused campaign (or tenant) counts as waiting for its fair share without asking again. */
export const DEFAULT_FAIR_WAIT_MS = 2_000;

/** held: the slot is ours; full: every slot is taken; lost: Redis lost the leases, rebuild first. */
export type TakeResult = 'held' | 'full' | 'lost';

/** A live call attempt that must hold a slot: its campaign and lease member. */
export interface LiveLease {
  campaignId: string;
  member: string;
  /** With both, the slot is rebuilt at the tenant and account levels too. */
  tenantId?: string;
  accountGroup?: string;
}

export class ConcurrencyLease {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly fairWaitMs = DEFAULT_FAIR_WAIT_MS,
  ) {}

  tenantKey(tenantId: string): string {
    return `${this.prefix}:lease-tenant:${tenantId}`;
  }

  accountKey(accountGroup: string): string {
    return `${this.prefix}:lease-account:${accountGroup}`;
  }

  /** Which tenant and account a member's slot is held at (set by takeSlot, read by release and extend). */
  private levelsKey(member: string): string {
    return `${this.prefix}:lease-of:${member}`;
  }

  /**
   * Takes a slot at the campaign, its tenant and its provider account in one script (all or none),
   * refusing while the leases are not known to be complete (`lost`). A wait says which level was
   * full, or which level left the free slot to a campaign (tenant) below its weighted fair share.
   */
  async takeSlot(c: SlotClaim, ttlMs: number): Promise<SlotTake> {
    const g = `${c.tenantId}|${c.accountGroup}`;
    const r = Number(await this.redis.eval(TAKE_NESTED, 9,
      this.markerKey(), this.key(c.campaignId), this.tenantKey(c.tenantId), this.accountKey(c.accountGroup),
      `${this.prefix}:lease-wait:tenant:${c.tenantId}`, `${this.prefix}:lease-weight:tenant:${c.tenantId}`,
      `${this.prefix}:lease-wait:account:${c.accountGroup}`, `${this.prefix}:lease-weight:account:${c.accountGroup}`,
      this.levelsKey(c.member),
      c.member, String(ttlMs), '1', c.campaignId, c.tenantId, String(c.campaignLimit),
      String(c.tenantLimit ?? -1), String(c.accountLimit ?? -1), String(c.campaignWeight ?? 1), String(c.tenantWeight ?? 1),
      String(this.fairWaitMs), g));
    if (r === 1) return { result: 'held' };
    if (r === -1) return { result: 'lost' };
    return { result: 'wait', ...(WAITS[r] ?? { level: 'campaign', reason: 'full' }) };
  }

  /** Live slots at a tenant or an account level (expired ones are dropped first). */
  async heldAt(level: 'tenant' | 'connection', id: string): Promise<number> {
    return Number(await this.redis.eval(COUNT, 1, level === 'tenant' ? this.tenantKey(id) : this.accountKey(id)));
  }

  /** The tenant and account a member's slot is also held at, when it was taken by takeSlot. */
  private async levelsOf(member: string): Promise<{ tenantId: string; accountGroup: string } | null> {
    return parseLevels(await this.redis.get(this.levelsKey(member)));
  }

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
    const levels = await this.levelsOf(member);
    if (!levels) {
      const r = await this.redis.eval(RELEASE, 2, this.key(campaignId), slotFreedChannel(this.prefix), member, campaignId);
      return r === 1;
    }
    const r = await this.redis.eval(RELEASE_NESTED, 5,
      this.key(campaignId), this.tenantKey(levels.tenantId), this.accountKey(levels.accountGroup), this.levelsKey(member),
      slotFreedChannel(this.prefix), member, `${campaignId}|${member}`, `${levels.tenantId}|${member}`, campaignId);
    return Number(r) > 0;
  }

  /**
   * release for several slots: their levels read in one round trip and every release script sent
   * in one pipeline. Throws when any script failed (release is idempotent: repeating all is safe).
   */
  async releaseMany(slots: ReadonlyArray<{ campaignId: string; member: string }>): Promise<void> {
    if (slots.length === 0) return;
    const records = await this.redis.mget(slots.map((s) => this.levelsKey(s.member)));
    const p = this.redis.pipeline();
    slots.forEach(({ campaignId, member }, i) => {
      const levels = parseLevels(records[i] ?? null);
      if (!levels) p.eval(RELEASE, 2, this.key(campaignId), slotFreedChannel(this.prefix), member, campaignId);
      else {
        p.eval(RELEASE_NESTED, 5,
          this.key(campaignId), this.tenantKey(levels.tenantId), this.accountKey(levels.accountGroup), this.levelsKey(member),
          slotFreedChannel(this.prefix), member, `${campaignId}|${member}`, `${levels.tenantId}|${member}`, campaignId);
      }
    });
    const failed = ((await p.exec()) ?? []).find(([err]) => err);
    if (failed) throw failed[0];
  }

  /** Removes one member from one lease set of any level (the reconciler's leaked-slot sweep). */
  async releaseFrom(key: string, member: string): Promise<boolean> {
    return (await this.redis.zrem(key, member)) === 1;
  }

  /**
   * Moves the member's expiry to `ttlMs` from now (and the set's with it), for a call the provider
   * says is still live. A member that expired meanwhile is added back whatever the limit: the call
   * holds a slot, and no new dial is granted while the count is at or over the limit. True when it
   * was still held.
   */
  async extend(campaignId: string, member: string, ttlMs: number): Promise<boolean> {
    const levels = await this.levelsOf(member);
    if (!levels) return Number(await this.redis.eval(EXTEND, 1, this.key(campaignId), member, String(ttlMs))) === 1;
    return Number(await this.redis.eval(EXTEND_NESTED, 4,
      this.key(campaignId), this.tenantKey(levels.tenantId), this.accountKey(levels.accountGroup), this.levelsKey(member),
      member, `${campaignId}|${member}`, `${levels.tenantId}|${member}`, String(ttlMs))) === 1;
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
    const keys = [this.markerKey()];
    const args = [String(ttlMs)];
    const records: Array<[string, string]> = [];
    for (const l of live) {
      keys.push(this.key(l.campaignId));
      args.push(l.member);
      if (l.tenantId && l.accountGroup) {
        keys.push(this.tenantKey(l.tenantId), this.accountKey(l.accountGroup));
        args.push(`${l.campaignId}|${l.member}`, `${l.tenantId}|${l.member}`);
        records.push([this.levelsKey(l.member), `${l.tenantId}|${l.accountGroup}`]);
      }
    }
    // The levels records first: a record without its slots is harmless (release removes nothing).
    if (records.length > 0) {
      const multi = this.redis.multi();
      for (const [k, v] of records) multi.set(k, v, 'PX', ttlMs * 2);
      await multi.exec();
    }
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
