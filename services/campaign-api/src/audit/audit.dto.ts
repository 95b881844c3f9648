import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateBy } from 'class-validator';
import { ANY, arrayOf, DATE_TIME, EX, Field, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';
import { Doc } from '../openapi/doc';

export class ListAuditQuery {
  /** campaign, lead, provider_connection, dnc_entry, call_attempt, api_key, … */
  @Doc('Only changes of this kind of thing: campaign, lead, provider_connection, dnc_entry, call_attempt, api_key, tenant, …', 'campaign')
  @IsOptional() @IsString() @Length(1, 64) entityType?: string;
  @Doc('Only changes of this one thing (its id).', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsString() @Length(1, 100) entityId?: string;
  /** Exact action ("campaign.update") or a prefix ending with a dot ("campaign."). */
  @Doc('Exact action ("campaign.update") or a prefix ending with a dot ("campaign.").', 'campaign.')
  @IsOptional() @IsString() @Length(1, 64) action?: string;
  @Doc('Only changes made with this API key.', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() apiKeyId?: string;
  /** Changes made by this person (dashboard user). */
  @Doc('Only changes made by this person (dashboard user).', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() userId?: string;
  @Doc('Changes at or after this time (ISO 8601).', '2026-03-01T00:00:00Z')
  @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @Doc('Changes before this time (ISO 8601).', '2026-04-01T00:00:00Z')
  @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @Doc('Entries per page (1–500).', 100)
  @Type(() => Number) @IsInt() @Min(1) @Max(500) limit = 100;
  /** nextCursor of the previous page. */
  @Doc('nextCursor of the previous page.', '12345')
  @IsOptional() @ValidateBy({
    name: 'isAuditCursor',
    // An entry id: a bigint (at most 2^63-1; a larger number would overflow the query).
    validator: { validate: (v: unknown) => typeof v === 'string' && /^\d{1,19}$/.test(v) && BigInt(v) <= 9223372036854775807n },
  }, { message: 'cursor must be the nextCursor of a previous page' }) cursor?: string;
}

// ---- responses ----

@ResponseSchema('One change recorded in the audit log.')
export class AuditEntry {
  @Field({ type: 'string', pattern: '^\\d+$' }, 'The entry id (a decimal number, increasing).', '1042') id: string;
  @Field(UUID, 'The API key that made the change; null when a person or the system (the scheduler) did.', EX.id, { nullable: true }) apiKeyId: string | null;
  @Field(UUID, 'The signed-in person who made the change; null for an API key or the system.', null, { nullable: true }) userId: string | null;
  @Field(TEXT, 'That person\'s email (null: no person).', null, { nullable: true }) userEmail: string | null;
  @Field(TEXT, 'What was done: <entity>.<verb>.', 'campaign.update') action: string;
  @Field(TEXT, 'The kind of thing changed (campaign, lead, provider_connection, dnc_entry, call_attempt, api_key, …).', 'campaign') entityType: string;
  @Field(TEXT, 'Its id (null for bulk changes).', EX.id, { nullable: true }) entityId: string | null;
  @Field(ANY, 'The changed fields before (null when none).', { maxConcurrentCalls: 10 }) before: unknown;
  @Field(ANY, 'The changed fields after (null when none).', { maxConcurrentCalls: 20 }) after: unknown;
  @Field(DATE_TIME, 'When.', EX.at) createdAt: Date;
}

@ResponseSchema('A page of the audit log, newest first.')
export class AuditPage {
  @Field(arrayOf(ref(() => AuditEntry)), 'The entries of this page.', []) data: AuditEntry[];
  @Field({ type: 'string', pattern: '^\\d+$' }, 'Pass as cursor for the next page; null on the last page.', null, { nullable: true }) nextCursor: string | null;
}
