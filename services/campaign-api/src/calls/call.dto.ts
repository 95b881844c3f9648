import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { OUTCOMES, type Outcome } from '@dialer/domain';

export class ListCallsQuery {
  @IsOptional() @IsIn(OUTCOMES) outcome?: Outcome;
  /** Calls created at or after this time. */
  @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  /** Calls created before this time. */
  @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @IsOptional() @IsUUID() leadId?: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(500) limit = 100;
  @IsOptional() @IsUUID() cursor?: string;
}
