import { Transform, Type } from 'class-transformer';
import { IsInt, IsISO31661Alpha2, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { Nullable } from '@dialer/platform';
import { arrayOf, DATE_TIME, EX, Field, INT, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';

const upper = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().toUpperCase() : value);

/** The longest retention that can be set: 100 years. */
export const MAX_RETENTION_DAYS = 36_500;

const days = (what: string): PropertyDecorator => {
  const decorators = [
    JSONSchema({
      description: `Days to keep ${what} (1–${MAX_RETENTION_DAYS}); null keeps them forever. Absent: unchanged.`,
      type: ['integer', 'null'], examples: [365],
    }),
    IsOptional(),
    IsInt({ message: `$property must be a whole number of days (1–${MAX_RETENTION_DAYS}) or null (keep forever)` }),
    Min(1, { message: '$property must be at least 1 day, or null (keep forever)' }),
    Max(MAX_RETENTION_DAYS, { message: `$property must be at most ${MAX_RETENTION_DAYS} days, or null (keep forever)` }),
  ];
  return (target, key) => decorators.forEach((d) => d(target, key as string));
};

/** PATCH /v1/tenant `retention`: only the fields given change. */
export class RetentionSettingsDto {
  @days('recordings, transcripts and analysis of calls (provider call data on call attempts; the attempts stay)') callDataDays?: number | null;
  @days('ended call attempts (the campaign\'s call counters stay as they are)') attemptsDays?: number | null;
  @days('raw provider webhook events, and outbound events with their delivery log') webhookEventsDays?: number | null;
  @days('ended leads (done or removed) with their call attempts and callbacks') endedLeadsDays?: number | null;
}

/** PATCH /v1/tenant: each field absent is left as it is. */
export class UpdateTenantDto {
  @JSONSchema({
    description: 'ISO 3166-1 alpha-2 country assumed for numbers written without a country code; campaigns created afterwards without their own defaultCountry inherit it (existing campaigns keep theirs).',
    examples: ['IN'],
  })
  @IsOptional()
  @Transform(upper) @IsISO31661Alpha2({ message: 'defaultCountry must be an ISO 3166-1 alpha-2 country code (US, IN, GB …)' }) defaultCountry?: string;

  @JSONSchema({
    description: 'Live calls at most across all the tenant\'s campaigns (1–100000; null: no tenant limit). A call needs a slot here besides its campaign\'s and its provider account\'s (docs/dialing-rules.md).',
    examples: [20],
  })
  @IsOptional() @Nullable() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) maxConcurrentCalls?: number | null;
  @JSONSchema({
    description: 'The tenant\'s share of a provider account it shares with other tenants, relative to theirs (1–1000, default 1).',
    examples: [1],
  })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) weight?: number;

  @JSONSchema({ description: 'How long the tenant\'s data is kept; the scheduler\'s daily purge removes what is older (docs/privacy.md).' })
  @IsOptional() @ValidateNested() @Type(() => RetentionSettingsDto) retention?: RetentionSettingsDto;
}

@ResponseSchema('How long the tenant\'s data is kept, in days; null: forever (the default).')
export class RetentionView {
  @Field(INT, 'Recordings, transcripts and analysis on call attempts.', 90, { nullable: true }) callDataDays: number | null;
  @Field(INT, 'Ended call attempts.', 365, { nullable: true }) attemptsDays: number | null;
  @Field(INT, 'Raw provider webhook events, and outbound events sent to your endpoints with their delivery log.', 30, { nullable: true }) webhookEventsDays: number | null;
  @Field(INT, 'Ended leads, with their attempts and callbacks.', null, { nullable: true }) endedLeadsDays: number | null;
}

@ResponseSchema('The caller\'s tenant (team), its defaults and its concurrency budget.')
export class TenantView {
  @Field(UUID, 'The tenant id.', EX.id2) id: string;
  @Field(TEXT, 'Its name.', 'Acme Realty') name: string;
  @Field(TEXT, 'Country (ISO 3166-1 alpha-2) assumed for numbers written without a country code, unless a campaign sets its own.', 'IN') defaultCountry: string;
  @Field(INT, 'Live calls at most across all its campaigns (null: no tenant limit).', 20, { nullable: true }) maxConcurrentCalls: number | null;
  @Field(INT, 'Its share of a provider account shared with other tenants, relative to theirs.', 1) weight: number;
  @Field(ref(() => RetentionView), 'How long its data is kept (days; null: forever).', { callDataDays: 90, attemptsDays: 365, webhookEventsDays: 30, endedLeadsDays: null }) retention: RetentionView;
  @Field(DATE_TIME, 'When it was created.', EX.at) createdAt: Date;
}

export class ListPurgesQuery {
  @JSONSchema({ description: 'Runs per page (1–100), newest first.', examples: [20] })
  @Type(() => Number) @IsInt() @Min(1) @Max(100) limit = 20;
}

@ResponseSchema('What one run of the retention purge removed from the tenant\'s data.')
export class PurgeRunCounts {
  @Field(INT, 'Call attempts whose recording, transcript and analysis were cleared.', 120) call_data: number;
  @Field(INT, 'Call attempts deleted (by the attempts retention, or with their ended lead).', 340) call_attempts: number;
  @Field(INT, 'Raw provider webhook events deleted.', 2100) webhook_events: number;
  @Field(INT, 'Outbound events deleted (sent to your endpoints), with their delivery log.', 900) outbound_events: number;
  @Field(INT, 'Ended leads deleted (with their attempts and callbacks).', 80) ended_leads: number;
}

@ResponseSchema('One run of the retention purge for the tenant.')
export class PurgeRunView {
  @Field(UUID, 'The run id.', EX.id) id: string;
  @Field(DATE_TIME, 'When the tenant\'s purge started.', EX.at) startedAt: Date;
  @Field(DATE_TIME, 'When it finished.', EX.at) finishedAt: Date;
  @Field(DATE_TIME, 'The moment ages were counted from: data older than the retention days before it went.', EX.at) now: Date;
  @Field(ref(() => PurgeRunCounts), 'What it removed, by kind.', { call_data: 120, call_attempts: 340, webhook_events: 2100, outbound_events: 900, ended_leads: 80 }) removed: PurgeRunCounts;
}

@ResponseSchema('The tenant\'s retention purge runs, newest first.')
export class PurgeRunPage {
  @Field(arrayOf(ref(() => PurgeRunView)), 'The runs.', []) data: PurgeRunView[];
}
