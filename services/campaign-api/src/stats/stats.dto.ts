import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { BUCKET_GRANULARITIES, type BucketGranularity, type RecountReport } from '@dialer/db';
import { CAMPAIGN_STATUSES, DIALING_STATES, LIMIT_LEVELS, type CampaignStatus, type DialingState, type DialingStateName, type LimitLevel } from '@dialer/domain';
import { IsIanaZone } from '../http/validators';
import {
  arrayOf, BOOL, DATE_TIME, EX, Field, INT, mapOf, NUMBER, oneOf, ref, ResponseSchema, TEXT, UUID, type SameKeys,
} from '../openapi/response-schema';
import { Doc } from '../openapi/doc';

export class TimeSeriesQuery {
  @Doc('minute (default: the last 60) or hour (default: the last 48).', 'minute')
  @IsOptional() @IsIn(BUCKET_GRANULARITIES) granularity: BucketGranularity = 'minute';
  @Doc('First point at or after this time.', '2026-03-02T14:00:00Z')
  @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @Doc('Points before this time.', '2026-03-02T15:00:00Z')
  @IsOptional() @Type(() => Date) @IsDate() to?: Date;
}

export const ANALYTICS_GROUPS = ['campaign', 'day', 'outcome', 'hour', 'localHour', 'field'] as const;
export type AnalyticsGroup = (typeof ANALYTICS_GROUPS)[number];

export class AnalyticsQuery {
  @Doc('Calls at or after this time (default: 7 days before to).', '2026-03-01T00:00:00Z')
  @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @Doc('Calls before this time (default: now; at most 366 days after from).', '2026-03-08T00:00:00Z')
  @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @Doc('How calls are grouped: campaign, outcome, day, hour, localHour, or field (a field of the campaign\'s lead schema, named by `field`; needs campaignId).', 'campaign')
  @IsOptional() @IsIn(ANALYTICS_GROUPS) groupBy: AnalyticsGroup = 'campaign';
  @Doc('Only the calls of this campaign.', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() campaignId?: string;
  @Doc('groupBy field: the lead-schema field whose values group the calls (e.g. source; a tags field counts a call once per tag; leads without a value: "(none)").', 'source')
  @IsOptional() @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, { message: 'field must be the name of a lead-schema field' }) field?: string;
  /** The zone days and hours are told in (`day`, `hour`); `localHour` uses each callee's own zone. */
  @IsOptional() @IsIanaZone() tz = 'UTC';
}

// ---- responses ----

@ResponseSchema('Leads by state.')
export class LeadStateCounts {
  @Field(INT, 'Waiting for their next attempt.', 800) pending: number;
  @Field(INT, 'Queued to be dialled.', 20) queued: number;
  @Field(INT, 'With a call in progress.', 10) dialing: number;
  @Field(INT, 'Ended for good.', 170) done: number;
}

@ResponseSchema('Rates, 0 to 1 (four decimals).')
export class CampaignRates {
  @Field(NUMBER, 'Connected calls / ended calls.', 0.42) connect: number;
  @Field(NUMBER, '(Connected + voicemail) / ended calls.', 0.61) success: number;
  @Field(NUMBER, 'Qualified leads / (connected + voicemail).', 0.18) qualification: number;
}

const COUNT = mapOf(INT);

@ResponseSchema('Why a campaign is or is not calling right now.')
export class DialingStateView implements DialingState {
  @Field(oneOf(DIALING_STATES), 'The state: calling, at_limit (every call slot busy), waiting_for_window (calling hours closed), waiting_for_retry (retry delays), waiting_for_reports (every lead ended; post-call reports of the last calls still awaited), no_leads, no_leads_due, import_running, paused, scheduled, not_started (draft) or finished.', 'waiting_for_window')
  state: DialingStateName;
  @Field(DATE_TIME, 'The next moment leads become callable (waiting states and scheduled), else null.', '2026-03-02T17:00:00.000Z', { nullable: true })
  nextCallableAt: Date | null;
  @Field(INT, 'How many leads become callable then (within a minute of it).', 3) nextCallableLeads: number;
  @Field(INT, 'Scheduled callbacks due within the next 24 hours (GET /v1/campaigns/:id/callbacks lists them).', 2) callbacksDueSoon: number;
  @Field(oneOf(LIMIT_LEVELS), 'When at_limit: whose limit holds the calls back — campaign (its own), tenant (all its campaigns together) or connection (the provider account); else null.', 'tenant', { nullable: true })
  limitedBy: LimitLevel | null;
  @Field(TEXT, 'The same in one sentence, for people.', 'Waiting for calling hours: next leads callable at 09:00 America/Los_Angeles (17:00 UTC), 3 leads.')
  message: string;
}

@ResponseSchema('A campaign\'s stats, from maintained counters.')
export class CampaignStats {
  @Field(UUID, 'The campaign.', EX.id) campaignId: string;
  @Field(oneOf(CAMPAIGN_STATUSES), 'Its status.', 'running') status: CampaignStatus;
  @Field(INT, 'Leads in the campaign.', 1000) totalLeads: number;
  @Field(ref(() => LeadStateCounts), 'Leads by state.', { pending: 800, queued: 20, dialing: 10, done: 170 }) leads: LeadStateCounts;
  @Field(COUNT, 'Ended leads by disposition.', { answered: 120, exhausted: 40, dnc: 10 }) dispositions: Record<string, number>;
  @Field(INT, 'Call attempts made.', 260) attempts: number;
  @Field(INT, 'Calls that ended.', 250) callsEnded: number;
  @Field(INT, 'Calls a person answered.', 105) connected: number;
  @Field(INT, 'Calls that reached voicemail.', 48) voicemail: number;
  @Field(INT, 'Busy calls.', 12) busy: number;
  @Field(INT, 'Calls not answered.', 70) noAnswer: number;
  @Field(INT, 'Failed calls.', 10) failed: number;
  @Field(INT, 'Canceled calls.', 5) canceled: number;
  @Field(INT, 'Numbers not added because of a DNC list.', 3) dncSuppressed: number;
  @Field(INT, 'Leads ended as invalid numbers.', 4) invalid: number;
  @Field(INT, 'Leads that ran out of attempts.', 40) exhausted: number;
  @Field(INT, 'Qualified leads.', 27) qualified: number;
  @Field(INT, 'Calls in progress (leads dialing).', 10) live: number;
  @Field(INT, 'Leads that ended for good.', 170) completed: number;
  @Field(INT, 'Seconds of talk, all calls.', 9800) talkSeconds: number;
  @Field(NUMBER, 'Talk seconds per completed (connected or voicemail) call.', 64.1) averageTalkSeconds: number;
  @Field(NUMBER, 'Talk seconds per ended call.', 39.2) averageDurationSeconds: number;
  @Field(ref(() => CampaignRates), 'Connect, success and qualification rates.', { connect: 0.42, success: 0.61, qualification: 0.18 }) rates: CampaignRates;
  @Field(NUMBER, 'Calls ended per minute, over the last 15 minutes (0 unless running).', 12.5) callsPerMinute: number;
  @Field(INT, 'Concurrency slots held now.', 10) liveCalls: number;
  @Field(DATE_TIME, 'When it was first started.', EX.at, { nullable: true }) startedAt: Date | null;
  @Field(DATE_TIME, 'When its last lead ended.', null, { nullable: true }) completedAt: Date | null;
  @Field(DATE_TIME, 'When it should be done at the current rate (running), when it was done (completed), else null.', '2026-03-02T18:40:00.000Z', { nullable: true })
  estimatedCompletionAt: Date | null;
  @Field(ref(() => DialingStateView), 'Why it is or is not calling right now, in data and in words.',
    { state: 'waiting_for_window', nextCallableAt: '2026-03-02T17:00:00.000Z', nextCallableLeads: 3, callbacksDueSoon: 2, limitedBy: null, message: 'Waiting for calling hours: next leads callable at 09:00 America/Los_Angeles (17:00 UTC), 3 leads. 2 callbacks due within 24 hours.' })
  dialing: DialingStateView;
}

@ResponseSchema('Calls of one time bucket (or one group of analytics).')
export class CallFigures {
  @Field(INT, 'Calls dialled.', 40) dials: number;
  @Field(INT, 'Calls that ended.', 38) callsEnded: number;
  @Field(INT, 'Calls a person answered.', 16) connected: number;
  @Field(INT, 'Calls that reached voicemail.', 7) voicemail: number;
  @Field(INT, 'Busy calls.', 2) busy: number;
  @Field(INT, 'Calls not answered.', 10) noAnswer: number;
  @Field(INT, 'Failed calls.', 2) failed: number;
  @Field(INT, 'Canceled calls.', 1) canceled: number;
  @Field(INT, 'Seconds of talk.', 1520) talkSeconds: number;
  @Field(NUMBER, 'Talk seconds per ended call.', 40) averageDurationSeconds: number;
  @Field(NUMBER, 'Connected / ended (four decimals).', 0.4211) connectRate: number;
}

@ResponseSchema('One point of a time series.')
export class TimeSeriesPoint extends CallFigures {
  @Field(DATE_TIME, 'Start of the bucket.', '2026-03-02T14:05:00.000Z') at: Date;
}

@ResponseSchema('A campaign\'s calls per minute or per hour; every step present (zeros where nothing happened).')
export class TimeSeries {
  @Field(UUID, 'The campaign.', EX.id) campaignId: string;
  @Field(oneOf(BUCKET_GRANULARITIES), 'Bucket size.', 'minute') granularity: BucketGranularity;
  @Field(DATE_TIME, 'Start of the first bucket.', '2026-03-02T13:05:00.000Z') from: Date;
  @Field(DATE_TIME, 'End of the last bucket (exclusive).', '2026-03-02T14:06:00.000Z') to: Date;
  @Field(arrayOf(ref(() => TimeSeriesPoint)), 'The buckets, oldest first.', []) points: TimeSeriesPoint[];
}

@ResponseSchema('One group of analytics.')
export class AnalyticsRow extends CallFigures {
  @Field({ type: ['string', 'integer'] }, 'The group: a campaign id, a day (YYYY-MM-DD), an hour of day (0-23), "all" (groupBy outcome) or a lead-schema field\'s value (groupBy field; "(none)": no value).', EX.id)
  key: string | number;
  @Field(TEXT, 'The campaign\'s name (groupBy campaign).', 'Spring follow-up', { optional: true }) name?: string;
}

@ResponseSchema('Calls of one outcome.')
export class OutcomeCount {
  @Field(oneOf(['answered', 'voicemail', 'busy', 'no_answer', 'failed', 'canceled']), 'The outcome.', 'answered') outcome: string;
  @Field(INT, 'Calls with it.', 16) calls: number;
}

@ResponseSchema('Calls across the tenant\'s campaigns in [from, to), grouped.')
export class Analytics {
  @Field(DATE_TIME, 'Start (inclusive).', '2026-02-23T14:05:00.000Z') from: Date;
  @Field(DATE_TIME, 'End (exclusive).', EX.at) to: Date;
  @Field(oneOf(ANALYTICS_GROUPS), 'How rows are grouped.', 'campaign') groupBy: AnalyticsGroup;
  @Field(TEXT, 'The zone days and hours are told in.', 'UTC') tz: string;
  @Field(arrayOf(ref(() => OutcomeCount)), 'Calls by outcome (groupBy outcome only).', [{ outcome: 'answered', calls: 16 }], { optional: true })
  outcomes?: OutcomeCount[];
  @Field(arrayOf(ref(() => AnalyticsRow)), 'One row per group.', []) rows: AnalyticsRow[];
}

@ResponseSchema('A maintained counter that differs from its recount.')
export class CountDifference {
  @Field(TEXT, 'Which counter (leads.pending, leads.dispositions.answered, stats.connected, buckets.minute.dials, …).', 'stats.connected') field: string;
  @Field(INT, 'What the counter says.', 104) counter: number;
  @Field(INT, 'What a recount from leads and calls gives.', 105) recount: number;
}

@ResponseSchema('A recount of a campaign\'s stats compared with its maintained counters.')
export class RecountResult {
  @Field(UUID, 'The campaign.', EX.id) campaignId: string;
  @Field(BOOL, 'True when every counter equals its recount.', true) consistent: boolean;
  @Field(arrayOf(ref(() => CountDifference)), 'The counters that differ.', []) differences: CountDifference[];
  @Field(INT, 'Ended calls not folded into the counters yet.', 0) unfoldedCalls: number;
  @Field(DATE_TIME, 'When the recount ran.', EX.at) recountedAt: Date;
}

/** The recount report of the db package is what the API shows. */
export const RECOUNT_SHOWN: SameKeys<RecountReport, RecountResult> = true;
