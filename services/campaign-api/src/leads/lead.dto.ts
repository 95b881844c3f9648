import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { LEAD_STATUSES, type LeadStatus } from '@dialer/domain';

export const MAX_LEADS_PER_REQUEST = 10_000;

/** The envelope; each lead is checked on its own so bad rows are reported, not fatal. */
export class AddLeadsDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_LEADS_PER_REQUEST) leads: unknown[];
}

export class ListLeadsQuery {
  @IsOptional() @IsIn(LEAD_STATUSES) status?: LeadStatus;
  @IsOptional() @IsString() @Length(1, 64) disposition?: string;
  /** Phone search: digits of the E.164 number from its start ("+1415", "1415"). */
  @IsOptional() @Matches(/^\+?\d{1,15}$/, { message: 'phone must be the leading digits of an E.164 number' }) phone?: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit = 100;
  @IsOptional() @IsUUID() cursor?: string;
}
