import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import type { LeadEntity } from '@dialer/db';
import { LEAD_STATUSES, type LeadStatus } from '@dialer/domain';
import {
  ANY, arrayOf, BOOL, DATE_TIME, EX, Field, INT, mapOf, oneOf, ref, ResponseSchema, TEXT, UUID, type SameKeys,
} from '../openapi/response-schema';
import { Doc } from '../openapi/doc';

export const MAX_LEADS_PER_REQUEST = 10_000;

/** The envelope; each lead is checked on its own so bad rows are reported, not fatal. */
export class AddLeadsDto {
  @Doc('1 to 10,000 leads: {phone, firstName?, lastName?, email?, timezone?, custom?, consent?}; phone in E.164 or national (the campaign\'s defaultCountry); consent: {type, grantedAt?, source?, text?}, required when the campaign has consentRequired.', [{ phone: '+14155552671', firstName: 'Ada', custom: { plan: 'gold' } }])
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_LEADS_PER_REQUEST) leads: unknown[];
}

export class ListLeadsQuery {
  @Doc('Only leads in this status.', 'pending')
  @IsOptional() @IsIn(LEAD_STATUSES) status?: LeadStatus;
  @Doc('Only leads that ended this way (answered, exhausted, no_window, …).', 'no_window')
  @IsOptional() @IsString() @Length(1, 64) disposition?: string;
  /** Phone search: digits of the E.164 number from its start ("+1415", "1415"). */
  @Doc('Phone search: the leading digits of the E.164 number ("+1415", "1415").', '+1415')
  @IsOptional() @Matches(/^\+?\d{1,15}$/, { message: 'phone must be the leading digits of an E.164 number' }) phone?: string;
  @Doc('Conditions on the fields of the campaign\'s lead schema, all of which must hold (repeat the parameter, at most 10): budget>=5000000, property_type=2BHK, tags contains investor, source!=partner; operators by type: number/integer/date >= <= > < = !=, text/email/url = != contains, enum/boolean = !=, tags contains. An unknown field or a value of the wrong type is a 400 saying which.', 'budget>=5000000')
  @IsOptional() @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @MaxLength(300, { each: true }) filter?: string[];
  @Doc('Leads per page (1–1000).', 100)
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit = 100;
  @Doc('nextCursor of the previous page.', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() cursor?: string;
}

// ---- responses ----

@ResponseSchema('A lead: a number to call and where it is in its lifecycle. Under HIPAA a viewer sees the number masked and no personal data.')
export class Lead {
  @Field(UUID, 'The lead id.', EX.id) id: string;
  @Field(UUID, 'The tenant that owns it.', EX.id2) tenantId: string;
  @Field(UUID, 'Its campaign.', EX.id) campaignId: string;
  @Field(TEXT, 'The number in E.164 (masked, "+1*******71", for a HIPAA viewer).', EX.phone) phoneE164: string;
  @Field(TEXT, 'First name.', 'Ada', { nullable: true }) firstName: string | null;
  @Field(TEXT, 'Last name.', 'Lovelace', { nullable: true }) lastName: string | null;
  @Field(TEXT, 'Email.', 'ada@example.com', { nullable: true }) email: string | null;
  @Field(arrayOf(TEXT), 'Candidate IANA zones, from the number ([]: the campaign\'s default zone).', ['America/Los_Angeles']) timezones: string[];
  @Field(mapOf(ANY), 'Custom fields: free keys as text; the fields of the campaign\'s lead schema typed (numbers, booleans, lists, ISO dates).', { plan: 'gold', budget: 7500000, tags: ['investor'] }) custom: Record<string, unknown>;
  @Field(oneOf(LEAD_STATUSES), 'pending (waiting for its next attempt), queued, dialing or done.', 'pending') status: LeadStatus;
  @Field(INT, 'Attempts made.', 1) attempts: number;
  @Field(DATE_TIME, 'When it may be dialled next.', EX.at) nextAttemptAt: Date;
  @Field(TEXT, 'How it ended (answered, exhausted, dnc, stopped, …); null while open.', null, { nullable: true }) disposition: string | null;
  @Field(BOOL, 'Qualified by a rule or a person; null: not decided.', null, { nullable: true }) qualified: boolean | null;
  @Field(DATE_TIME, 'When it was last dialled.', null, { nullable: true }) lastAttemptAt: Date | null;
  @Field(UUID, 'The import that added it (null: added as JSON).', null, { nullable: true }) importId: string | null;
  @Field(DATE_TIME, 'When it was added.', EX.at) createdAt: Date;
  @Field(DATE_TIME, 'When it last changed.', EX.at) updatedAt: Date;
}

/** A Lead shows every column of the entity, no more, no less. */
export const LEAD_SHOWS_ENTITY: SameKeys<LeadEntity, Lead> = true;

@ResponseSchema('A lead as read: every field, and why it ended when that needs explaining.')
export class LeadView extends Lead {
  @Field(TEXT, 'Why it ended, in words, when the disposition alone does not say (no_window: which window and rule pack never overlap); null otherwise.',
    'no calling window ever opens for this number: the IN-PROMO rule pack (India, promotional calls (default for Indian numbers)) allows 10:00–21:00 every day; the campaign\'s window 06:00–07:00 every day never overlaps it',
    { nullable: true }) dispositionDetail: string | null;
}

@ResponseSchema('A page of leads, oldest first.')
export class LeadPage {
  @Field(arrayOf(ref(() => LeadView)), 'The leads of this page.', []) data: LeadView[];
  @Field(UUID, 'Pass as cursor for the next page; null on the last page.', null, { nullable: true }) nextCursor: string | null;
}

@ResponseSchema('A lead of the request that was not added.')
export class RejectedLead {
  @Field(INT, 'Its index in the request\'s leads (0-based).', 3) index: number;
  @Field(TEXT, 'The field at fault.', 'phone') field: string;
  @Field(TEXT, 'The value at fault.', '555-01', { optional: true }) value?: string;
  @Field(TEXT, 'Why.', 'not a valid phone number') reason: string;
}

@ResponseSchema('What became of the leads of a request.')
export class AddLeadsResult {
  @Field(INT, 'Leads added.', 97) accepted: number;
  @Field(INT, 'Numbers repeated in the request or already in the campaign.', 2) duplicates: number;
  @Field(INT, 'Numbers on a do-not-call list, not added.', 1) dncSuppressed: number;
  @Field(arrayOf(ref(() => RejectedLead)), 'Invalid leads: one entry per problem (a lead with several problems has several entries).', []) rejected: RejectedLead[];
  @Field(arrayOf(ref(() => RejectedLead)), 'Leads added without an invalid optional value (an email), with the reason.', []) warnings: RejectedLead[];
}
