import type { Redis } from './redis';

/**
 * Today's use of each caller id, shared by every worker replica: one hash per tenant
 * (`<prefix>:callerid:<tenant>`) holds `c:<number>` (calls today), `l:<number>` (last use, ms of Redis
 * time) and `_day` (the UTC day those counts are for, days since the epoch). A pick is one Lua
 * script, so two replicas never both take a number's last call of the day or its cool-down.
 *
 * Loss: when `_day` is not today (Redis lost its data, or a new UTC day began) the pick answers `lost`
 * with the day; the caller reads the day's calls per caller id from Postgres and `rebuild`s, which
 * sets `_day` (a rebuild already done by another replica is not repeated).
 */
const PICK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local day = math.floor(now / 86400000)
if redis.call('HGET', KEYS[1], '_day') ~= tostring(day) then return {-1, day} end
local i = 2
local soonest = nil
for tier = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[i]); i = i + 1
  local best, bestCount, bestLast
  for k = 1, n do
    local num, cap, cool = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]); i = i + 3
    local c = tonumber(redis.call('HGET', KEYS[1], 'c:' .. num) or '0')
    local last = tonumber(redis.call('HGET', KEYS[1], 'l:' .. num) or '0')
    local at = nil
    if cap > 0 and c >= cap then at = (day + 1) * 86400000
    elseif now - last < cool then at = last + cool end
    if at then
      if soonest == nil or at < soonest then soonest = at end
    elseif best == nil or c < bestCount or (c == bestCount and last < bestLast) then
      best, bestCount, bestLast = num, c, last
    end
  end
  if best then
    redis.call('HINCRBY', KEYS[1], 'c:' .. best, 1)
    redis.call('HSET', KEYS[1], 'l:' .. best, now)
    redis.call('PEXPIRE', KEYS[1], 172800000)
    return {1, best, tier}
  end
end
if soonest then return {0, soonest - now} end
return {2}
`;

/** KEYS[1] = the tenant's hash; ARGV = day, then number, calls, last ms per number. */
const REBUILD = `
if redis.call('HGET', KEYS[1], '_day') == ARGV[1] then return 0 end
local fields = redis.call('HKEYS', KEYS[1])
for _, f in ipairs(fields) do
  if string.sub(f, 1, 2) == 'c:' then redis.call('HDEL', KEYS[1], f) end
end
for i = 2, #ARGV, 3 do
  redis.call('HSET', KEYS[1], 'c:' .. ARGV[i], ARGV[i + 1])
  local last = tonumber(redis.call('HGET', KEYS[1], 'l:' .. ARGV[i]) or '0')
  if tonumber(ARGV[i + 2]) > last then redis.call('HSET', KEYS[1], 'l:' .. ARGV[i], ARGV[i + 2]) end
end
redis.call('HSET', KEYS[1], '_day', ARGV[1])
redis.call('PEXPIRE', KEYS[1], 172800000)
return 1
`;

/** A number the pick may take: its daily cap (null: none) and cool-down. */
export interface CallerIdCandidate {
  number: string;
  dailyCap: number | null;
  cooldownSeconds: number;
}

export type CallerIdPick =
  /** Taken (counted and its cool-down started); `tier` is the index of the tier it came from. */
  | { kind: 'picked'; number: string; tier: number }
  /** Every candidate is capped or cooling down; the first frees up in `waitMs`. */
  | { kind: 'wait'; waitMs: number }
  /** No candidates at all. */
  | { kind: 'none' }
  /** Today's counts are missing (Redis lost them, or a new UTC day): rebuild for `day` first. */
  | { kind: 'lost'; day: number };

export class CallerIdUsage {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(tenantId: string): string {
    return `${this.prefix}:callerid:${tenantId}`;
  }

  /**
   * Takes the least used number today (ties: the longest unused) of the first tier that has one
   * neither at its daily cap nor cooling down, and counts the use; atomically across replicas.
   */
  async pick(tenantId: string, tiers: ReadonlyArray<readonly CallerIdCandidate[]>): Promise<CallerIdPick> {
    const args: string[] = [String(tiers.length)];
    for (const tier of tiers) {
      args.push(String(tier.length));
      for (const c of tier) args.push(c.number, String(c.dailyCap ?? 0), String(c.cooldownSeconds * 1000));
    }
    const r = (await this.redis.eval(PICK, 1, this.key(tenantId), ...args)) as Array<number | string>;
    const code = Number(r[0]);
    if (code === 1) return { kind: 'picked', number: String(r[1]), tier: Number(r[2]) - 1 };
    if (code === 0) return { kind: 'wait', waitMs: Math.max(1, Number(r[1])) };
    if (code === -1) return { kind: 'lost', day: Number(r[1]) };
    return { kind: 'none' };
  }

  /** Sets the day's counts and last uses (from Postgres) unless they are there already; true when this call set them. */
  async rebuild(tenantId: string, day: number, uses: ReadonlyArray<{ number: string; calls: number; lastMs: number }>): Promise<boolean> {
    const args = [String(day), ...uses.flatMap((u) => [u.number, String(u.calls), String(u.lastMs)])];
    return Number(await this.redis.eval(REBUILD, 1, this.key(tenantId), ...args)) === 1;
  }

  /** Calls per number today as Redis counts them (for tests and operators). */
  async counts(tenantId: string): Promise<Record<string, number>> {
    const all = await this.redis.hgetall(this.key(tenantId));
    const out: Record<string, number> = {};
    for (const [f, v] of Object.entries(all)) if (f.startsWith('c:')) out[f.slice(2)] = Number(v);
    return out;
  }
}

/** The start of a UTC day given as days since the epoch. */
export function utcDayStart(day: number): Date {
  return new Date(day * 86_400_000);
}
