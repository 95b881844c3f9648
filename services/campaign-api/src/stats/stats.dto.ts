import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsUUID } from 'class-validator';
import { BUCKET_GRANULARITIES, type BucketGranularity } from '@dialer/db';
import { IsIanaZone } from '../http/validators';

export class TimeSeriesQuery {
  @IsOptional() @IsIn(BUCKET_GRANULARITIES) granularity: BucketGranularity = 'minute';
  @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @IsOptional() @Type(() => Date) @IsDate() to?: Date;
}

export const ANALYTICS_GROUPS = ['campaign', 'day', 'outcome', 'hour', 'localHour'] as const;
export type AnalyticsGroup = (typeof ANALYTICS_GROUPS)[number];

export class AnalyticsQuery {
  @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @IsOptional() @IsIn(ANALYTICS_GROUPS) groupBy: AnalyticsGroup = 'campaign';
  @IsOptional() @IsUUID() campaignId?: string;
  /** The zone days and hours are told in (`day`, `hour`); `localHour` uses each callee's own zone. */
  @IsOptional() @IsIanaZone() tz = 'UTC';
}
