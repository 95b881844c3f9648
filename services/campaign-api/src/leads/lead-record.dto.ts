import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { LEAD_STATUSES, type LeadStatus } from '@dialer/domain';
import { Nullable } from '@dialer/platform';
import { arrayOf, DATE_TIME, EX, Field, INT, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';
import { Doc } from '../openapi/doc';
import { IsIanaZone } from '../http/validators';
import { LeadView } from './lead.dto';
import { Callback } from '../callbacks/callback.dto';
import { Consent } from '../consent/consent.dto';

/** An edit of a lead: only the fields sent change (null clears an optional one). */
export class UpdateLeadDto {
  @Doc('The number, in E.164 or national (the campaign\'s default country): re-normalized; its zones and DNC answer are derived again.', '+14155552671')
  @IsOptional() @IsString() @Length(1, 64) phone?: string;
  @Doc('First name (null clears it).', 'Ada')
  @IsOptional() @Nullable() @IsString() @Length(0, 200) firstName?: string | null;
  @Doc('Last name (null clears it).', 'Lovelace')
  @IsOptional() @Nullable() @IsString() @Length(0, 200) lastName?: string | null;
  @Doc('Email (null clears it).', 'ada@example.com')
  @IsOptional() @Nullable() @IsString() @Length(0, 320) email?: string | null;
  @Doc('The callee\'s IANA time zone: replaces the candidate zones.', 'America/Los_Angeles')
  @IsOptional() @IsIanaZone() timezone?: string;
  @Doc('Custom fields: replace the lead\'s custom fields as a whole.', { plan: 'gold' })
  @IsOptional() @IsObject() custom?: Record<string, unknown>;
}

export class SearchLeadsQuery {
  @Doc('Search text: part of a name or email, or a phone number in any format (normalized to E.164; a partial number matches its digits).', '415 555')
  @IsOptional() @IsString() @Length(1, 200) q?: string;
  @Doc('Only leads of this campaign.', EX.id)
  @IsOptional() @IsUUID() campaignId?: string;
  @Doc('Only leads in this status.', 'pending')
  @IsOptional() @IsIn(LEAD_STATUSES) status?: LeadStatus;
  @Doc('Leads per page (1–1000).', 100)
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit = 100;
  @Doc('nextCursor of the previous page.', EX.id)
  @IsOptional() @IsUUID() cursor?: string;
}

// ---- responses ----

@ResponseSchema('One call attempt of a lead and how it ended.')
export class LeadCall {
  @Field(UUID, 'The call attempt id (GET /v1/calls/:id for its detail).', EX.id) id: string;
  @Field(INT, 'The attempt number (1 for the first call).', 1) attemptNo: number;
  @Field(TEXT, 'The call\'s status (queued, initiated, ringing, in_progress, completed, failed, …).', 'completed') status: string;
  @Field(TEXT, 'How the call ended (answered, busy, no_answer, voicemail, failed, …); null while live.', 'answered', { nullable: true }) outcome: string | null;
  @Field(TEXT, 'human or machine, when the provider said.', null, { nullable: true }) answeredBy: string | null;
  @Field(INT, 'Talk time in seconds.', 42, { nullable: true }) durationSeconds: number | null;
  @Field(TEXT, 'A person\'s disposition of the call, if any.', null, { nullable: true }) manualDisposition: string | null;
  @Field(DATE_TIME, 'When the provider was asked to call.', EX.at, { nullable: true }) dialedAt: Date | null;
  @Field(DATE_TIME, 'When the call ended.', EX.at, { nullable: true }) endedAt: Date | null;
  @Field(UUID, 'The consent record the call relied on (GET /v1/leads/:id/consent), null when the lead had none.', null, { nullable: true }) consentId: string | null;
}

@ResponseSchema('A lead record: the lead and its call attempts with their outcomes.')
export class LeadRecord extends LeadView {
  @Field(arrayOf(ref(() => LeadCall)), 'Its call attempts, first first.', []) calls: LeadCall[];
  @Field(ref(() => Callback), 'Its pending callback (POST /v1/leads/:id/callback), with the time asked for, when it is due and, if moved, why; null when none.', null, { nullable: true }) callback: Callback | null;
  @Field(ref(() => Consent), 'Its current consent record (possibly revoked; GET /v1/leads/:id/consent for the history); null when it has none.', null, { nullable: true }) consent: Consent | null;
}
