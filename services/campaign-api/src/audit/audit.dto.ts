import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';

export class ListAuditQuery {
  /** campaign, lead, provider_connection, dnc_entry, call_attempt, api_key, … */
  @IsOptional() @IsString() @Length(1, 64) entityType?: string;
  @IsOptional() @IsString() @Length(1, 100) entityId?: string;
  /** Exact action ("campaign.update") or a prefix ending with a dot ("campaign."). */
  @IsOptional() @IsString() @Length(1, 64) action?: string;
  @IsOptional() @IsUUID() apiKeyId?: string;
  /** Changes made by this person (dashboard user). */
  @IsOptional() @IsUUID() userId?: string;
  @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @Type(() => Number) @IsInt() @Min(1) @Max(500) limit = 100;
  /** nextCursor of the previous page. */
  @IsOptional() @Matches(/^\d{1,19}$/, { message: 'cursor must be the nextCursor of a previous page' }) cursor?: string;
}
