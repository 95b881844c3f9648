import type { DataSource } from '@dialer/db';
import { CALLER_ID_FLAG_RULE, callerIdFlag, type CallerIdCall } from '@dialer/domain';
import { clock } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import type { CallerIdStats } from './caller-id.dto';
import { requireOwner } from './caller-id-checks';
import { callerIdPeriodCounts, findPool, listCallerIds, recentCallerIdCalls, type PoolOwner } from './caller-ids.repository';

/** A connected call shorter than this counts as a short call. */
const SHORT_CALL_SECONDS = 10;

/**
 * GET …/caller-ids/stats: per number of the pool, the tenant's calls from it over the last `days`
 * days (calls, finished, connected, connect rate, short calls) and the spam-label flag, decided by
 * `callerIdFlag` over its last 20 finished calls.
 */
export async function getCallerIdStats(ds: DataSource, auth: AuthContext, owner: PoolOwner, ownerId: string, days: number): Promise<CallerIdStats> {
  const { tenantId } = auth;
  await requireOwner(ds, tenantId, owner, ownerId);
  const pool = await findPool(ds, tenantId, owner, ownerId);
  const rows = pool ? await listCallerIds(ds, tenantId, pool.id) : [];
  const numbers = rows.map((r) => r.number);
  const since = new Date(clock.nowMs() - days * 86_400_000);
  const [counts, recent] = numbers.length
    ? await Promise.all([
      callerIdPeriodCounts(ds, tenantId, numbers, since, SHORT_CALL_SECONDS),
      recentCallerIdCalls(ds, tenantId, numbers, CALLER_ID_FLAG_RULE.window),
    ])
    : [[], []];
  const byNumber = new Map(counts.map((c) => [c.caller_id, c]));
  const recentBy = new Map<string, CallerIdCall[]>();
  for (const r of recent) {
    const list = recentBy.get(r.number) ?? [];
    list.push({ connected: r.connected, talkSeconds: r.duration_seconds });
    recentBy.set(r.number, list);
  }
  return {
    days,
    flagRule: { ...CALLER_ID_FLAG_RULE },
    data: rows.map((r) => {
      const c = byNumber.get(r.number);
      const flag = callerIdFlag(recentBy.get(r.number) ?? []);
      const finished = c?.finished ?? 0;
      return {
        number: r.number, paused: r.paused, calls: c?.calls ?? 0, finished, connected: c?.connected ?? 0,
        connectRate: finished ? Math.round(((c?.connected ?? 0) / finished) * 1000) / 1000 : null,
        shortCalls: c?.short_calls ?? 0, flagged: flag !== null, flagReason: flag,
      };
    }),
  };
}
