import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { Doc } from '../openapi/doc';
import { BOOL, DATE_TIME, EX, Field, mapOf, INT, ResponseSchema, UUID, arrayOf, ref } from '../openapi/response-schema';

const trimLower = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** POST /v1/erasures: the person to erase (at least one of phone and email). */
export class EraseDto {
  @Doc('The person\'s phone number in any format (read in the tenant\'s default country when it has no country code).', '(415) 555-2671')
  @IsOptional() @IsString() @Length(1, 64) phone?: string;
  @Doc('The person\'s email (case does not matter).', 'ada@example.com')
  @IsOptional() @Transform(trimLower) @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254) email?: string;
  @Doc('The person asked not to be called: the number stays on the tenant\'s DNC list as a hash (also kept when it was on a list before).', true)
  @IsOptional() @IsBoolean() doNotCall?: boolean;
}

export class ListErasuresQuery {
  @Doc('Erasures per page (1–100), newest first.', 20)
  @Type(() => Number) @IsInt() @Min(1) @Max(100) limit = 20;
}

@ResponseSchema('An erasure of a person: what was removed or scrubbed, by table; it holds no personal data.')
export class ErasureView {
  @Field(UUID, 'The erasure id (the audit entry erasure.create names it).', EX.id) id: string;
  @Field(BOOL, 'True when the number stays on the tenant\'s DNC list as a hash (the person asked not to be called).', true) dncHashed: boolean;
  @Field(mapOf(INT), 'Rows deleted or scrubbed per table (leads, call_attempts, callbacks, webhook_events, idempotency_keys, import_jobs, audit_log, dnc_entries …) and upload files deleted (import_files).', { leads: 3, call_attempts: 2, webhook_events: 6 }) counts: Record<string, number>;
  @Field(mapOf(INT), 'Rows of configuration tables (campaigns, users, provider connections) that still mention the person: an erasure does not change them; edit them yourself. Empty when none.', {}) remaining: Record<string, number>;
  @Field(DATE_TIME, 'When it ran.', EX.at) createdAt: Date;
}

@ResponseSchema('The tenant\'s erasures, newest first.')
export class ErasurePage {
  @Field(arrayOf(ref(() => ErasureView)), 'The erasures.', []) data: ErasureView[];
}

export const ERASURE_EXAMPLE = { phone: '(415) 555-2671', email: 'ada@example.com', doNotCall: true };
