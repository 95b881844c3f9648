import type { DataSource, EntityManager } from 'typeorm';
import type { Outcome } from '@dialer/domain';

/** What one ended call adds to the call counters (campaign_stats and the time buckets alike). */
export interface CallCounts {
  callsEnded: number;
  connected: number;
  voicemail: number;
  busy: number;
  noAnswer: number;
  failed: number;
  canceled: number;
  talkSeconds: number;
}

/**
 * One ended call's counts: connected = a person answered (an opt-out is a person who answered and
 * asked not to be called); failed also takes provider errors and invalid numbers; talk time counts
 * connected calls and voicemail.
 */
export function callCounts(outcome: Outcome | null, durationSeconds: number | null): CallCounts {
  const o = outcome;
  return {
    callsEnded: 1,
    connected: o === 'answered' || o === 'opted_out' ? 1 : 0,
    voicemail: o === 'voicemail' ? 1 : 0,
    busy: o === 'busy' ? 1 : 0,
    noAnswer: o === 'no_answer' ? 1 : 0,
    failed: o === 'failed' || o === 'provider_error' || o === 'invalid_number' || o === null ? 1 : 0,
    canceled: o === 'canceled' ? 1 : 0,
    talkSeconds: o === 'answered' || o === 'opted_out' || o === 'voicemail' ? durationSeconds ?? 0 : 0,
  };
}

/**
 * The same rules as callCounts(), as SQL aggregates over call_attempts rows aliased `a`, limited by
 * `filter` (e.g. "a.counted_at IS NOT NULL"); columns: calls_ended, connected, voicemail, busy,
 * no_answer, failed, canceled, talk_seconds.
 */
export function callTotalsSql(filter = 'TRUE'): string {
  const f = (cond: string) => `count(*) FILTER (WHERE (${filter}) AND ${cond})`;
  return `count(*) FILTER (WHERE ${filter}) AS calls_ended,
  ${f("a.outcome IN ('answered', 'opted_out')")} AS connected,
  ${f("a.outcome = 'voicemail'")} AS voicemail,
  ${f("a.outcome = 'busy'")} AS busy,
  ${f("a.outcome = 'no_answer'")} AS no_answer,
  ${f("(a.outcome IS NULL OR a.outcome IN ('failed', 'provider_error', 'invalid_number'))")} AS failed,
  ${f("a.outcome = 'canceled'")} AS canceled,
  COALESCE(sum(a.duration_seconds) FILTER (WHERE (${filter}) AND a.outcome IN ('answered', 'opted_out', 'voicemail')), 0) AS talk_seconds`;
}

export const BUCKET_GRANULARITIES = ['minute', 'hour'] as const;
export type BucketGranularity = (typeof BUCKET_GRANULARITIES)[number];

/** One ended call, as the buckets count it. */
export interface BucketedCall {
  tenantId: string;
  campaignId: string;
  dialedAt: Date;
  endedAt: Date;
  counts: CallCounts;
}

/**
 * Adds ended calls to their campaigns' minute and hour buckets, in one statement: each call's dial
 * in the bucket of the time it was placed, its outcome in the bucket of the time it ended (UTC);
 * calls that fall in one bucket are added up first. Call it inside the fold's transaction, so a call
 * is bucketed exactly when it is counted. Rows are locked in (campaign, granularity, start) order,
 * the same in every transaction.
 */
export async function bumpManyStatBuckets(m: EntityManager, calls: readonly BucketedCall[]): Promise<void> {
  if (!calls.length) return;
  const col = <T>(f: (c: BucketedCall) => T): T[] => calls.map(f);
  await m.query(
    `INSERT INTO campaign_stat_buckets AS b (campaign_id, tenant_id, granularity, bucket_start, dials, calls_ended,
        connected, voicemail, busy, no_answer, failed, canceled, talk_seconds)
     SELECT v.campaign_id, v.tenant_id, g.gran, date_trunc(g.gran, p.at, 'UTC'), sum(p.dials), sum(p.ended), sum(p.connected),
            sum(p.voicemail), sum(p.busy), sum(p.no_answer), sum(p.failed), sum(p.canceled), sum(p.talk)
       FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::int[], $6::int[], $7::int[], $8::int[],
                   $9::int[], $10::int[], $11::int[], $12::bigint[])
              AS v(campaign_id, tenant_id, dialed_at, ended_at, ended, connected, voicemail, busy, no_answer, failed, canceled, talk)
       CROSS JOIN LATERAL (VALUES
         (v.dialed_at, 1, 0, 0, 0, 0, 0, 0, 0, 0::bigint),
         (v.ended_at, 0, v.ended, v.connected, v.voicemail, v.busy, v.no_answer, v.failed, v.canceled, v.talk)
       ) AS p(at, dials, ended, connected, voicemail, busy, no_answer, failed, canceled, talk)
       CROSS JOIN (VALUES ('minute'), ('hour')) AS g(gran)
      GROUP BY 1, 2, 3, 4
      ORDER BY 1, 3, 4
     ON CONFLICT (campaign_id, granularity, bucket_start) DO UPDATE SET
       dials = b.dials + EXCLUDED.dials, calls_ended = b.calls_ended + EXCLUDED.calls_ended,
       connected = b.connected + EXCLUDED.connected, voicemail = b.voicemail + EXCLUDED.voicemail,
       busy = b.busy + EXCLUDED.busy, no_answer = b.no_answer + EXCLUDED.no_answer,
       failed = b.failed + EXCLUDED.failed, canceled = b.canceled + EXCLUDED.canceled,
       talk_seconds = b.talk_seconds + EXCLUDED.talk_seconds`,
    [col((c) => c.campaignId), col((c) => c.tenantId), col((c) => c.dialedAt), col((c) => c.endedAt),
      col((c) => c.counts.callsEnded), col((c) => c.counts.connected), col((c) => c.counts.voicemail), col((c) => c.counts.busy),
      col((c) => c.counts.noAnswer), col((c) => c.counts.failed), col((c) => c.counts.canceled), col((c) => c.counts.talkSeconds)]);
}

/** Calls ended in the campaign's minute buckets of the last `minutes` minutes before `now`. */
export async function sumRecentCallsEnded(m: DataSource | EntityManager, tenantId: string, campaignId: string, now: Date, minutes: number): Promise<number> {
  const rows: Array<{ calls: string | null }> = await m.query(
    `SELECT sum(calls_ended) AS calls FROM campaign_stat_buckets
      WHERE campaign_id = $1 AND tenant_id = $2 AND granularity = 'minute'
        AND bucket_start >= $3::timestamptz - make_interval(mins => $4)`,
    [campaignId, tenantId, now, minutes]);
  return Number(rows[0]?.calls ?? 0);
}
