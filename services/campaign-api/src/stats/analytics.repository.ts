import { callTotalsSql, type BucketGranularity, type DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import type { Analytics, AnalyticsGroup, CallFigures, TimeSeries } from './stats.dto';

/** Bucket columns summed by every read, as JSON names. */
const SUMS = `sum(dials)::bigint AS dials, sum(calls_ended)::bigint AS calls_ended, sum(connected)::bigint AS connected,
  sum(voicemail)::bigint AS voicemail, sum(busy)::bigint AS busy, sum(no_answer)::bigint AS no_answer,
  sum(failed)::bigint AS failed, sum(canceled)::bigint AS canceled, sum(talk_seconds)::bigint AS talk_seconds`;

type SumRow = Record<'dials' | 'calls_ended' | 'connected' | 'voicemail' | 'busy' | 'no_answer' | 'failed' | 'canceled' | 'talk_seconds', string | null>;

function figures(r: SumRow): CallFigures {
  const n = (v: string | null) => Number(v ?? 0);
  const ended = n(r.calls_ended);
  const talk = n(r.talk_seconds);
  return {
    dials: n(r.dials), callsEnded: ended, connected: n(r.connected), voicemail: n(r.voicemail), busy: n(r.busy),
    noAnswer: n(r.no_answer), failed: n(r.failed), canceled: n(r.canceled), talkSeconds: talk,
    averageDurationSeconds: ended ? Math.round((talk / ended) * 10) / 10 : 0,
    connectRate: ended ? Math.round((n(r.connected) / ended) * 10_000) / 10_000 : 0,
  };
}

const STEP_MS: Record<BucketGranularity, number> = { minute: 60_000, hour: 3_600_000 };
const DEFAULT_SPAN: Record<BucketGranularity, number> = { minute: 60, hour: 48 };
const MAX_POINTS = 10_080;

/**
 * A campaign's buckets from `from` (inclusive) to `to` (exclusive), every step present (zeros where
 * nothing happened). Default: the last 60 minutes, or the last 48 hours.
 */
export async function readTimeSeries(
  ds: DataSource, tenantId: string, campaignId: string, q: { granularity: BucketGranularity; from?: Date; to?: Date },
): Promise<Omit<TimeSeries, 'campaignId'>> {
  const step = STEP_MS[q.granularity];
  const to = new Date(Math.floor((q.to ?? new Date(Date.now() + step)).getTime() / step) * step);
  const from = new Date(Math.floor((q.from ?? new Date(to.getTime() - DEFAULT_SPAN[q.granularity] * step)).getTime() / step) * step);
  if (from >= to) throw new AppError('invalid_input', 'from must be before to', { status: 400 });
  if ((to.getTime() - from.getTime()) / step > MAX_POINTS) {
    throw new AppError('invalid_input', `at most ${MAX_POINTS} points per request; narrow from/to or use hours`, { status: 400 });
  }
  const rows: Array<SumRow & { at: Date }> = await ds.query(
    `SELECT s.at, ${SUMS}
       FROM generate_series($3::timestamptz, $4::timestamptz - make_interval(secs => $6), make_interval(secs => $6)) AS s(at)
       LEFT JOIN campaign_stat_buckets b
         ON b.campaign_id = $1 AND b.tenant_id = $2 AND b.granularity = $5 AND b.bucket_start = s.at
      GROUP BY s.at ORDER BY s.at`,
    [campaignId, tenantId, from, to, q.granularity, step / 1000]);
  return { granularity: q.granularity, from, to, points: rows.map((r) => ({ at: r.at, ...figures(r) })) };
}

const OUTCOME_COLUMNS = [['answered', 'connected'], ['voicemail', 'voicemail'], ['busy', 'busy'], ['no_answer', 'no_answer'],
  ['failed', 'failed'], ['canceled', 'canceled']] as const;

/**
 * Calls across a tenant's campaigns in [from, to), grouped by campaign, day or hour of day (in `tz`)
 * or outcome, from the hourly buckets; or by the callee's local hour of day (from the call attempts
 * themselves, each in its lead's first zone or the campaign's default zone), or by a field of the
 * campaign's lead schema (from the attempts and their leads).
 */
export async function readAnalytics(
  ds: DataSource, tenantId: string, q: { from: Date; to: Date; groupBy: AnalyticsGroup; campaignId?: string; tz: string; field?: string },
): Promise<Pick<Analytics, 'outcomes' | 'rows'>> {
  const params: unknown[] = [tenantId, q.from, q.to, q.campaignId ?? null];
  const where = `b.tenant_id = $1 AND b.granularity = 'hour' AND b.bucket_start >= date_trunc('hour', $2::timestamptz, 'UTC')
    AND b.bucket_start < $3 AND ($4::uuid IS NULL OR b.campaign_id = $4)`;
  if (q.groupBy === 'localHour') {
    const rows: Array<SumRow & { key: number }> = await ds.query(
      `SELECT extract(hour FROM a.ended_at AT TIME ZONE COALESCE(l.timezones[1], c.default_timezone))::int AS key,
              count(*) AS dials,
              ${callTotalsSql()}
         FROM call_attempts a
         JOIN leads l ON l.id = a.lead_id
         JOIN campaigns c ON c.id = a.campaign_id
        WHERE a.tenant_id = $1 AND a.ended_at >= $2 AND a.ended_at < $3 AND ($4::uuid IS NULL OR a.campaign_id = $4)
        GROUP BY 1 ORDER BY 1`, params);
    return { rows: rows.map((r) => ({ key: Number(r.key), ...figures(r) })) };
  }
  if (q.groupBy === 'field') {
    // Outcomes by a lead-schema field (source, property_type, …): from the call attempts and their
    // leads' typed values; a list (tags) counts the call once per item.
    const rows: Array<SumRow & { key: string }> = await ds.query(
      `SELECT COALESCE(v.value, '(none)') AS key, count(*) AS dials, ${callTotalsSql()}
         FROM call_attempts a
         JOIN leads l ON l.id = a.lead_id
         CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(l.custom -> $5) = 'array' AND jsonb_array_length(l.custom -> $5) > 0
                                                           THEN l.custom -> $5 ELSE jsonb_build_array(l.custom ->> $5) END) AS v(value)
        WHERE a.tenant_id = $1 AND a.ended_at >= $2 AND a.ended_at < $3 AND a.campaign_id = $4
        GROUP BY 1 ORDER BY 1`, [...params, q.field]);
    return { rows: rows.map((r) => ({ key: r.key, ...figures(r) })) };
  }
  if (q.groupBy === 'outcome') {
    const [r] = await ds.query(`SELECT ${SUMS} FROM campaign_stat_buckets b WHERE ${where}`, params) as SumRow[];
    const f = figures(r ?? ({} as SumRow));
    const byName: Record<string, number> = {
      answered: f.connected, voicemail: f.voicemail, busy: f.busy, no_answer: f.noAnswer, failed: f.failed, canceled: f.canceled,
    };
    return {
      outcomes: OUTCOME_COLUMNS.map(([outcome]) => ({ outcome, calls: byName[outcome] ?? 0 })),
      rows: [{ key: 'all', ...f }],
    };
  }
  const key = q.groupBy === 'campaign' ? 'b.campaign_id::text'
    : q.groupBy === 'day' ? `to_char(b.bucket_start AT TIME ZONE $5, 'YYYY-MM-DD')`
      : `extract(hour FROM b.bucket_start AT TIME ZONE $5)::int`;
  const rows: Array<SumRow & { key: string | number; name: string | null }> = await ds.query(
    `SELECT ${key} AS key, ${q.groupBy === 'campaign' ? 'min(c.name)' : 'NULL'} AS name, ${SUMS}
       FROM campaign_stat_buckets b JOIN campaigns c ON c.id = b.campaign_id
      WHERE ${where}
      GROUP BY 1 ORDER BY 1`, q.groupBy === 'campaign' ? params : [...params, q.tz]);
  return {
    rows: rows.map((r) => ({ key: typeof r.key === 'string' ? r.key : Number(r.key), ...(r.name ? { name: r.name } : {}), ...figures(r) })),
  };
}
