import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsISO31661Alpha2, IsNumber, IsObject,
  IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateBy, ValidateNested, type ValidationOptions,
} from 'class-validator';
import type { CampaignEntity } from '@dialer/db';
import { Nullable } from '@dialer/platform';
import { CAMPAIGN_STATUSES, CONSENT_TYPES, type CampaignStatus, type ConsentType } from '@dialer/domain';
import { IsIanaZone, IsUsableWindow } from '../http/validators';
import {
  arrayOf, BOOL, DATE_TIME, EX, Field, INT, mapOf, NUMBER, OBJECT, oneOf, ref, ResponseSchema, TEXT, UUID, type SameKeys,
} from '../openapi/response-schema';
import { Doc } from '../openapi/doc';
import { LEAD_SCHEMA_EXAMPLE, LeadSchemaView } from './lead-schema.dto';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const HHMM_END = /^(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
export const COMPLIANCE_MODES = ['standard', 'hipaa', 'pci'] as const;
export type ComplianceMode = (typeof COMPLIANCE_MODES)[number];
/** Longest campaign description, in characters. */
export const MAX_DESCRIPTION = 2000;
/** Ring timeout bounds and default, in seconds (every call rang 30 s before the field existed). */
export const MIN_RING_SECONDS = 5;
export const MAX_RING_SECONDS = 120;
export const DEFAULT_RING_SECONDS = 30;
const AGENT_DOC = 'The agent or flow in place of the provider connection\'s, checked against its type: a Vapi assistant id; a Twilio TwiML URL or TwiML App sid (AP…); an Exotel flow id or flow URL (docs/providers.md).';
const CALLER_ID_DOC = 'The caller id in place of the provider connection\'s: Twilio From, E.164; Exotel ExoPhone (E.164 or national 0…); not for Vapi (its calls go out from the connection\'s phoneNumberId).';
const RING_DOC = 'Seconds a call rings before it counts as unanswered (5–120, default 30), sent in each provider\'s format (Twilio Timeout, Vapi transport timeout, Exotel TimeOut).';
const LEAD_SCHEMA_DOC = 'The typed fields its leads carry in custom: {fields: [{name, type, required?, min?, max?, exclusiveMin?, exclusiveMax?, minLength?, maxLength?, pattern?, values?, separator?, trim?, case?, default?}], require?: ["name", "email"]} (docs/lead-schema.md). Imports, JSON leads and lead edits are validated against it and values stored typed.';
/** Largest JSON size of a lead schema. */
export const MAX_LEAD_SCHEMA_BYTES = 65_536;
/** Largest JSON size of a free-form object field (settings). */
export const MAX_SETTINGS_BYTES = 16_384;

/** A free-form object no larger than `max` bytes as JSON. */
export function MaxJsonBytes(max: number, opts?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'maxJsonBytes',
    constraints: [max],
    validator: {
      validate: (v: unknown) => v === undefined || v === null || Buffer.byteLength(JSON.stringify(v)) <= max,
      defaultMessage: (a) => `${a?.property ?? 'value'} must be at most ${max} bytes as JSON`,
    },
  }, opts);
}

const upper = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().toUpperCase() : value);


const WEIGHT_DOC = 'Its share of the tenant\'s concurrency budget (1–1000, default 1), relative to the tenant\'s other campaigns, when the tenant\'s limit is the bottleneck (docs/dialing-rules.md).';
export class RetryRuleDto {
  @Doc('Retry after this outcome at all.', true)
  @IsBoolean() enabled: boolean;
  @Doc('Delay before the next attempt, in seconds (moved to the next calling-window opening when closed then).', 3600)
  @IsInt() @Min(0) @Max(30 * 24 * 3600) delaySeconds: number;
  @Doc('Each further attempt waits delay × backoff^(attempt-1) (1–10).', 2)
  @IsOptional() @IsNumber() @Min(1) @Max(10) backoff?: number;
}

/** One optional rule per call outcome; an unknown outcome is rejected. */
export class RetryPolicyDto {
  @Doc('After a person answered (never retried, whatever this says).')
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) answered?: RetryRuleDto;
  @Doc('After a voicemail (default: retry after 4 h).')
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) voicemail?: RetryRuleDto;
  @Doc('After a busy signal (default: retry after 15 min).')
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) busy?: RetryRuleDto;
  @Doc('After no answer (default: retry after 1 h).')
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) no_answer?: RetryRuleDto;
  @Doc('After a failed call (default: retry after 30 min).')
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) failed?: RetryRuleDto;
  @Doc('After a canceled call (default: no retry).')
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) canceled?: RetryRuleDto;
  @Doc('After an invalid number (never retried).')
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) invalid_number?: RetryRuleDto;
  @Doc('After a provider error (default: retry after 5 min).')
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) provider_error?: RetryRuleDto;
  /** Accepted for symmetry; an opt-out is never retried whatever this says. */
  @Doc('Accepted for symmetry; an opt-out is never retried.')
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) opted_out?: RetryRuleDto;
}

/**
 * The calling window. Legacy form: one range `start`–`end` on `days`. Richer form: `ranges` per
 * weekday ("1" = Monday … "7" = Sunday → [{start, end}, …]). Both take `holidays` (local dates),
 * `excludeWeekends` and `rulePack` ("auto" or a pack id). The whole is checked by the domain rule.
 */
export class CallingWindowDto {
  @Doc('Start of the daily range, HH:mm, in the callee\'s local time (legacy single-range form; default 09:00).', '09:00')
  @IsOptional() @Matches(HHMM, { message: 'start must be a time of day in HH:mm' }) start?: string;
  @Doc('End of the daily range, HH:mm (24:00: midnight; default 20:00).', '18:00')
  @IsOptional() @Matches(HHMM_END, { message: 'end must be a time of day in HH:mm' }) end?: string;
  @Doc('Weekdays of the daily range, 1 = Monday … 7 = Sunday (default every day).', [1, 2, 3, 4, 5])
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(7) @IsInt({ each: true }) @Min(1, { each: true }) @Max(7, { each: true })
  days?: number[];
  @Doc('Ranges per weekday ("1" = Monday … "7" = Sunday → [{start, end}, …]); replaces start/end/days. A weekday not listed allows no calls.', { 1: [{ start: '09:00', end: '12:30' }] })
  @IsOptional() @IsObject() ranges?: Record<string, Array<{ start: string; end: string }>>;
  @Doc('Local dates (YYYY-MM-DD) with no calls.', ['2026-12-25'])
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'holidays must be dates YYYY-MM-DD' })
  holidays?: string[];
  @Doc('No calls on Saturdays and Sundays.', true)
  @IsOptional() @IsBoolean() excludeWeekends?: boolean;
  @Doc('The legal floor intersected with the window: "auto" (default: by the callee\'s number) or a pack id (US, US-FL, IN, IN-PROMO, …; docs/dialing-rules.md).', 'auto')
  @IsOptional() @IsString() @Length(1, 32) rulePack?: string;
}


const CONSENT_REQUIRED_DOC = 'The weakest consent a lead must hold (express_written > express > existing_business_relationship > none): leads without it are refused at import and not dialled (ended no_consent); null or none: no consent required.';
const PRE_DIAL_DOC = 'A pre-dial eligibility hook: before each call the dialer POSTs the lead, signed (Standard Webhooks), and calls only on {"eligible": true} within timeoutMs (docs/pre-dial-hook.md). Setting it for the first time generates its signing secret, shown once as preDialSecret. null removes it.';

/** The pre-dial eligibility hook of a campaign. */
export class PreDialDto {
  @Doc('Where the dialer POSTs each lead before calling it (https; http only outside production).', 'https://crm.example.com/hooks/can-call')
  @IsString() @Length(1, 2000) @Matches(/^https?:\/\/[^\s]+$/i, { message: 'preDial.url must be an http(s) URL' }) url: string;
  @Doc('How long the dialer waits for the answer, in ms (100–10,000; default 2,000).', 2000)
  @Type(() => Number) @IsInt() @Min(100) @Max(10_000) timeoutMs = 2000;
  @Doc('On a timeout, an error or an answer that is not understood: skip the call (default, fail closed) or call anyway.', 'skip')
  @IsIn(['skip', 'call']) onError: 'skip' | 'call' = 'skip';
}

export class CreateCampaignDto {
  @Doc('The campaign\'s name.', 'Spring follow-up')
  @IsString() @Length(1, 200) name: string;
  @Doc('What the campaign is for, for the team (at most 2,000 characters).', 'Buyers who asked about 2BHK flats in March')
  @IsOptional() @IsString() @MaxLength(MAX_DESCRIPTION) description?: string;
  @Doc('The provider connection it dials through (needed to start).', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() providerConnectionId?: string;
  @Doc(AGENT_DOC, 'a1b2c3d4-0000-4000-8000-000000000001')
  @IsOptional() @IsString() @Length(1, 500) agentOverride?: string;
  @Doc(CALLER_ID_DOC, '+14155550123')
  @IsOptional() @IsString() @Length(1, 20) callerIdOverride?: string;
  @Doc(RING_DOC, 25)
  @Type(() => Number) @IsInt() @Min(MIN_RING_SECONDS) @Max(MAX_RING_SECONDS) ringTimeoutSeconds = DEFAULT_RING_SECONDS;
  /** Absent: the tenant's defaultCountry (GET /v1/tenant). */
  @Doc('ISO 3166-1 alpha-2 country of numbers written without a country code. Absent: the tenant\'s (GET /v1/tenant).', 'IN')
  @IsOptional() @Transform(upper) @IsISO31661Alpha2() defaultCountry?: string;
  /** Absent: the zone of defaultCountry, or its most populous one (US: America/New_York; see docs/dialing-rules.md). */
  @IsOptional() @IsIanaZone() defaultTimezone?: string;
  @Doc('Calls in progress at most at once (1–1000).', 10)
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) maxConcurrentCalls = 5;
  @Doc(WEIGHT_DOC, 1)
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) weight = 1;
  @Doc('Attempts per lead at most (1–20).', 3)
  @Type(() => Number) @IsInt() @Min(1) @Max(20) maxAttempts = 3;
  /** Calls to one number per rolling 24 hours across the tenant's campaigns; absent: no campaign cap. */
  @Doc('Calls to one number per rolling 24 hours across the tenant\'s campaigns (1–100; absent or null: no campaign cap; a rule pack\'s cap still applies).', 2)
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) maxCallsPerNumber24h?: number;
  @Doc('Retry rules by outcome; an outcome left out keeps its default (docs/call-outcomes.md).', { busy: { enabled: true, delaySeconds: 900 } })
  @IsOptional() @ValidateNested() @Type(() => RetryPolicyDto) retryPolicy?: RetryPolicyDto;
  @Doc('When leads may be called, in each callee\'s local time, intersected with the rule pack of their number.', { start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] })
  @IsOptional() @IsUsableWindow() @ValidateNested() @Type(() => CallingWindowDto) callingWindow?: CallingWindowDto;
  @Doc('When a scheduled campaign starts by itself (POST …/schedule).', '2026-03-02T14:00:00Z')
  @IsOptional() @Type(() => Date) @IsDate() scheduledStartAt?: Date;
  @Doc('When it stops dialing by itself (after scheduledStartAt).', '2026-03-09T22:00:00Z')
  @IsOptional() @Type(() => Date) @IsDate() scheduledEndAt?: Date;
  @IsOptional() @IsObject() @MaxJsonBytes(MAX_SETTINGS_BYTES) settings?: Record<string, unknown>;
  @Doc(CONSENT_REQUIRED_DOC, 'express_written')
  @IsOptional() @IsIn(CONSENT_TYPES) consentRequired?: ConsentType;
  @Doc(PRE_DIAL_DOC, { url: 'https://crm.example.com/hooks/can-call', timeoutMs: 2000, onError: 'skip' })
  @IsOptional() @ValidateNested() @Type(() => PreDialDto) preDial?: PreDialDto;
  @Doc(LEAD_SCHEMA_DOC, LEAD_SCHEMA_EXAMPLE)
  @IsOptional() @IsObject() @MaxJsonBytes(MAX_LEAD_SCHEMA_BYTES) leadSchema?: Record<string, unknown>;
  /** standard (default), hipaa or pci: see README, Compliance modes. Fixed once the campaign has started. */
  @Doc('standard, hipaa or pci: what is stored and shown (fixed once started).', 'standard')
  @IsOptional() @IsIn(COMPLIANCE_MODES) complianceMode?: ComplianceMode;
}

/** PATCH: every field optional; null clears the nullable ones. */
export class UpdateCampaignDto {
  @Doc('The campaign\'s name.', 'Spring follow-up')
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  @Doc('What the campaign is for, for the team (at most 2,000 characters; null clears it).', 'Buyers who asked about 2BHK flats in March')
  @IsOptional() @Nullable() @IsString() @MaxLength(MAX_DESCRIPTION) description?: string | null;
  @Doc('The provider connection it dials through (needed to start).', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @Nullable() @IsUUID() providerConnectionId?: string | null;
  @Doc(`${AGENT_DOC} null: the connection's.`, 'a1b2c3d4-0000-4000-8000-000000000001')
  @IsOptional() @Nullable() @IsString() @Length(1, 500) agentOverride?: string | null;
  @Doc(`${CALLER_ID_DOC} null: the connection's.`, '+14155550123')
  @IsOptional() @Nullable() @IsString() @Length(1, 20) callerIdOverride?: string | null;
  @Doc(RING_DOC, 25)
  @IsOptional() @Type(() => Number) @IsInt() @Min(MIN_RING_SECONDS) @Max(MAX_RING_SECONDS) ringTimeoutSeconds?: number;
  @Doc('ISO 3166-1 alpha-2 country of numbers written without a country code. ', 'IN')
  @IsOptional() @Transform(upper) @IsISO31661Alpha2() defaultCountry?: string;
  @IsOptional() @IsIanaZone() defaultTimezone?: string;
  @Doc('Calls in progress at most at once (1–1000).', 10)
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) maxConcurrentCalls?: number;
  @Doc(WEIGHT_DOC, 1)
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) weight?: number;
  @Doc('Attempts per lead at most (1–20).', 3)
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(20) maxAttempts?: number;
  /** null turns the campaign's cap off (a rule pack's cap still applies). */
  @Doc('Calls to one number per rolling 24 hours across the tenant\'s campaigns (1–100; absent or null: no campaign cap; a rule pack\'s cap still applies).', 2)
  @IsOptional() @Nullable() @Type(() => Number) @IsInt() @Min(1) @Max(100) maxCallsPerNumber24h?: number | null;
  @Doc('Retry rules by outcome; an outcome left out keeps its default (docs/call-outcomes.md).', { busy: { enabled: true, delaySeconds: 900 } })
  @IsOptional() @ValidateNested() @Type(() => RetryPolicyDto) retryPolicy?: RetryPolicyDto;
  @Doc('When leads may be called, in each callee\'s local time, intersected with the rule pack of their number.', { start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] })
  @IsOptional() @IsUsableWindow() @ValidateNested() @Type(() => CallingWindowDto) callingWindow?: CallingWindowDto;
  @Doc('When a scheduled campaign starts by itself (POST …/schedule).', '2026-03-02T14:00:00Z')
  @IsOptional() @Nullable() @Type(() => Date) @IsDate() scheduledStartAt?: Date | null;
  @Doc('When it stops dialing by itself (after scheduledStartAt).', '2026-03-09T22:00:00Z')
  @IsOptional() @Nullable() @Type(() => Date) @IsDate() scheduledEndAt?: Date | null;
  @IsOptional() @IsObject() @MaxJsonBytes(MAX_SETTINGS_BYTES) settings?: Record<string, unknown>;
  @Doc(CONSENT_REQUIRED_DOC, 'express_written')
  @IsOptional() @Nullable() @IsIn(CONSENT_TYPES) consentRequired?: ConsentType | null;
  @Doc(PRE_DIAL_DOC, { url: 'https://crm.example.com/hooks/can-call', timeoutMs: 2000, onError: 'skip' })
  @IsOptional() @Nullable() @ValidateNested() @Type(() => PreDialDto) preDial?: PreDialDto | null;
  @Doc(`${LEAD_SCHEMA_DOC} It may change while the campaign runs: existing leads are not rewritten; the change is audited. null removes it.`, LEAD_SCHEMA_EXAMPLE)
  @IsOptional() @Nullable() @IsObject() @MaxJsonBytes(MAX_LEAD_SCHEMA_BYTES) leadSchema?: Record<string, unknown> | null;
  /** Only while the campaign is a draft. */
  @Doc('standard, hipaa or pci: what is stored and shown (only while a draft).', 'standard')
  @IsOptional() @IsIn(COMPLIANCE_MODES) complianceMode?: ComplianceMode;
}

/** POST /v1/campaigns/:id/clone */
export class CloneCampaignDto {
  /** Default: the source's name + " (copy)". */
  @Doc('The new campaign\'s name (default: the source\'s + " (copy)").', 'Spring follow-up (2)')
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  /** Copy the leads too (as new pending leads; tenant DNC scrubbed). Default false. */
  @Doc('Copy the leads too, as new pending leads (tenant DNC scrubbed). Default false.', true)
  @IsOptional() @IsBoolean() includeLeads?: boolean;
}

export class ListCampaignsQuery {
  @Doc('Only campaigns in this status.', 'running')
  @IsOptional() @IsIn(CAMPAIGN_STATUSES) status?: CampaignStatus;
  /** Case-insensitive substring of the name. */
  @Doc('Case-insensitive substring of the name.', 'spring')
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  @Doc('Only campaigns of this compliance mode.', 'hipaa')
  @IsOptional() @IsIn(COMPLIANCE_MODES) complianceMode?: ComplianceMode;
  /** true: only soft-deleted campaigns (to restore them). */
  @Doc('true: only soft-deleted campaigns (to restore them).', 'true')
  @IsOptional() @IsIn(['true', 'false']) deleted?: 'true' | 'false';
  @Doc('Campaigns per page (1–200).', 50)
  @Type(() => Number) @IsInt() @Min(1) @Max(200) limit = 50;
  @Doc('nextCursor of the previous page.', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() cursor?: string;
}

/** GET /v1/campaigns/:id/schedule-preview */
export class SchedulePreviewQuery {
  /** Start of the preview (default: now), rounded down to the hour. */
  @Doc('Start of the preview (default: now), rounded down to the hour.', '2026-03-02T14:00:00Z')
  @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @Doc('Days to preview (1–14).', 2)
  @Type(() => Number) @IsInt() @Min(1) @Max(14) days = 2;
}

// ---- responses ----

@ResponseSchema('What to do after one call outcome.')
export class RetryRule {
  @Field(BOOL, 'Retry after this outcome at all.', true) enabled: boolean;
  @Field(INT, 'Delay before the next attempt, in seconds.', 3600) delaySeconds: number;
  @Field(NUMBER, 'Each further attempt waits delay × backoff^(attempt-1).', 2, { optional: true }) backoff?: number;
}

const rule = ref(() => RetryRule);

@ResponseSchema('Retry rules by call outcome; an outcome without a rule uses the default.')
export class RetryPolicy {
  @Field(rule, 'After a person answered.', { enabled: false, delaySeconds: 0 }, { optional: true }) answered?: RetryRule;
  @Field(rule, 'After a voicemail.', { enabled: true, delaySeconds: 14400 }, { optional: true }) voicemail?: RetryRule;
  @Field(rule, 'After a busy signal.', { enabled: true, delaySeconds: 900 }, { optional: true }) busy?: RetryRule;
  @Field(rule, 'After no answer.', { enabled: true, delaySeconds: 3600, backoff: 2 }, { optional: true }) no_answer?: RetryRule;
  @Field(rule, 'After a failed call.', { enabled: true, delaySeconds: 1800 }, { optional: true }) failed?: RetryRule;
  @Field(rule, 'After a canceled call.', { enabled: false, delaySeconds: 0 }, { optional: true }) canceled?: RetryRule;
  @Field(rule, 'After an invalid number.', { enabled: false, delaySeconds: 0 }, { optional: true }) invalid_number?: RetryRule;
  @Field(rule, 'After a provider error.', { enabled: true, delaySeconds: 300 }, { optional: true }) provider_error?: RetryRule;
  @Field(rule, 'Accepted for symmetry; an opt-out is never retried.', { enabled: false, delaySeconds: 0 }, { optional: true }) opted_out?: RetryRule;
}

@ResponseSchema('A time range of a day, local time.')
export class TimeRange {
  @Field({ type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }, 'Start, HH:mm.', '09:00') start: string;
  @Field({ type: 'string', pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$' }, 'End, HH:mm (24:00: midnight).', '12:30') end: string;
}

@ResponseSchema('When leads may be called, in each lead\'s own time zone (see the request form for the rules).')
export class CallingWindow {
  @Field(TEXT, 'Start of the daily range, HH:mm (legacy single-range form).', '09:00', { optional: true }) start?: string;
  @Field(TEXT, 'End of the daily range, HH:mm.', '18:00', { optional: true }) end?: string;
  @Field(arrayOf(INT), 'Weekdays of the daily range (1 = Monday … 7 = Sunday).', [1, 2, 3, 4, 5], { optional: true }) days?: number[];
  @Field(mapOf(arrayOf(ref(() => TimeRange))), 'Ranges per weekday ("1" = Monday … "7" = Sunday).', { 1: [{ start: '09:00', end: '12:30' }] }, { optional: true })
  ranges?: Partial<Record<string, TimeRange[]>>;
  @Field(arrayOf(TEXT), 'Local dates (YYYY-MM-DD) with no calls.', ['2026-12-25'], { optional: true }) holidays?: string[];
  @Field(BOOL, 'No calls on Saturdays and Sundays.', true, { optional: true }) excludeWeekends?: boolean;
  @Field(TEXT, 'Dialing rule pack: "auto" (by the callee\'s number) or a pack id.', 'auto', { optional: true }) rulePack?: string;
}

@ResponseSchema('A campaign\'s pre-dial eligibility hook.')
export class PreDialHookView {
  @Field(TEXT, 'Where each lead is POSTed before it is called.', 'https://crm.example.com/hooks/can-call') url: string;
  @Field(INT, 'How long the dialer waits for the answer (ms).', 2000) timeoutMs: number;
  @Field(oneOf(['skip', 'call']), 'On a timeout or an error: skip the call (fail closed) or call anyway.', 'skip') onError: 'skip' | 'call';
}

@ResponseSchema('A campaign: its settings, status and timestamps. The ETag header carries its version.')
export class Campaign {
  @Field(UUID, 'The campaign id.', EX.id) id: string;
  @Field(UUID, 'The tenant that owns it.', EX.id2) tenantId: string;
  @Field(TEXT, 'Its name.', 'Spring follow-up') name: string;
  @Field(TEXT, 'What it is for, for the team (null: none).', 'Buyers who asked about 2BHK flats in March', { nullable: true }) description: string | null;
  @Field(oneOf(CAMPAIGN_STATUSES), 'Where it is in its lifecycle.', 'draft') status: CampaignStatus;
  @Field(UUID, 'The provider connection it dials through (null: none yet; needed to start).', EX.id, { nullable: true }) providerConnectionId: string | null;
  @Field(TEXT, 'Its agent or flow in place of the connection\'s (Vapi assistant id, Twilio TwiML URL or App sid, Exotel flow id or URL; null: the connection\'s).', null, { nullable: true })
  agentOverride: string | null;
  @Field(TEXT, 'Its caller id in place of the connection\'s (null: the connection\'s).', null, { nullable: true }) callerIdOverride: string | null;
  @Field(INT, 'Seconds a call rings before it counts as unanswered.', 30) ringTimeoutSeconds: number;
  @Field(TEXT, 'Country (ISO 3166-1 alpha-2) of numbers written without a country code.', 'US') defaultCountry: string;
  @Field(TEXT, 'IANA zone of leads whose zone cannot be derived from their number.', 'America/New_York') defaultTimezone: string;
  @Field(INT, 'Calls in progress at most at once.', 10) maxConcurrentCalls: number;
  @Field(INT, 'Its share of the tenant\'s concurrency budget, relative to the tenant\'s other campaigns, when that budget is the bottleneck (docs/dialing-rules.md).', 1) weight: number;
  @Field(INT, 'Attempts per lead at most.', 3) maxAttempts: number;
  @Field(INT, 'Calls to one number per rolling 24 hours across the tenant\'s campaigns (null: no campaign cap).', 2, { nullable: true })
  maxCallsPerNumber24h: number | null;
  @Field(ref(() => RetryPolicy), 'The retry rules in effect, by outcome: the campaign\'s own over the defaults (docs/call-outcomes.md).', { no_answer: { enabled: true, delaySeconds: 3600 } }) retryPolicy: RetryPolicy;
  @Field(ref(() => CallingWindow), 'When leads may be called (resolved: defaults filled in).', { start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] })
  callingWindow: CallingWindow;
  @Field(OBJECT, 'Free-form settings of the caller (at most 16 KiB as JSON).', { team: 'renewals' }) settings: Record<string, unknown>;
  @Field(oneOf(COMPLIANCE_MODES), 'standard, hipaa or pci: what is stored and shown (fixed once started).', 'standard') complianceMode: ComplianceMode;
  @Field(oneOf(CONSENT_TYPES), 'The weakest consent a lead must hold to be imported and dialled (null: none required).', 'express_written', { nullable: true })
  consentRequired: ConsentType | null;
  @Field(ref(() => PreDialHookView), 'The pre-dial eligibility hook (null: none); its secret is shown only when generated.', null, { nullable: true }) preDial: PreDialHookView | null;
  @Field(ref(() => LeadSchemaView), 'The typed fields its leads carry in custom (null: no schema; extra columns are free text).', LEAD_SCHEMA_EXAMPLE, { nullable: true })
  leadSchema: LeadSchemaView | null;
  @Field(DATE_TIME, 'When a scheduled campaign starts by itself.', EX.at, { nullable: true }) scheduledStartAt: Date | null;
  @Field(DATE_TIME, 'When it stops dialing by itself.', null, { nullable: true }) scheduledEndAt: Date | null;
  @Field(DATE_TIME, 'When it was first started.', EX.at, { nullable: true }) startedAt: Date | null;
  @Field(DATE_TIME, 'When its last lead ended.', null, { nullable: true }) completedAt: Date | null;
  @Field(DATE_TIME, 'When it was created.', EX.at) createdAt: Date;
  @Field(DATE_TIME, 'When it last changed.', EX.at) updatedAt: Date;
  @Field(DATE_TIME, 'When it was soft-deleted (null: not deleted).', null, { nullable: true }) deletedAt: Date | null;
  @Field(INT, 'Optimistic version, bumped by every change (the ETag).', 1) version: number;
}

/** A Campaign shows every column of the entity, no more, no less. */
export const CAMPAIGN_SHOWS_ENTITY: SameKeys<CampaignEntity, Campaign> = true;

@ResponseSchema('Something that will make the campaign call less than expected: a code and a sentence that says what and why.')
export class CampaignWarning {
  @Field(oneOf(['nothing_callable', 'closed_some_days', 'never_callable_country', 'leads_other_country', 'ends_before_opening']),
    'What kind of problem.', 'closed_some_days') code: string;
  @Field(TEXT, 'What it means for this campaign.', 'the US rule pack (United States, federal) allows 08:00–21:00 every day; on Mon the campaign\'s window Mon 06:00–07:00, Tue 10:00–12:00 does not overlap it, so US numbers are not called on those days')
  message: string;
}

@ResponseSchema('A campaign as a write or a command answers it: the campaign and its warnings.')
export class CampaignWithWarnings extends Campaign {
  @Field(arrayOf(ref(() => CampaignWarning)), 'What will keep it from calling as expected ([]: nothing found). Checked against the rule packs of its country and of its leads\' numbers.',
    [{ code: 'leads_other_country', message: '3 leads of this campaign have numbers of another country than its defaultCountry IN (US: 3); numbers written without a country code were read as IN numbers' }])
  warnings: CampaignWarning[];
  @Field(TEXT, 'The pre-dial hook\'s signing secret (Standard Webhooks, whsec_…): present only in the answer that generated it (preDial set for the first time, or POST …/pre-dial/rotate-secret). Store it: it is not shown again.', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', { optional: true })
  preDialSecret?: string;
}

@ResponseSchema('A new signing secret of the campaign\'s pre-dial hook.')
export class PreDialSecret {
  @Field(TEXT, 'The secret (Standard Webhooks, whsec_…): the hook verifies each request with it. Shown once.', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') preDialSecret: string;
}

@ResponseSchema('A campaign\'s progress, from the maintained counters.')
export class CampaignProgress {
  @Field(INT, 'Leads in the campaign.', 300) totalLeads: number;
  @Field(INT, 'Leads that ended for good (the filled part of the progress bar).', 120) ended: number;
  @Field(INT, 'Calls in progress now.', 8) liveCalls: number;
  @Field(INT, 'Calls that ended.', 150) callsEnded: number;
  @Field(INT, 'Calls a person answered.', 60) connected: number;
  @Field(NUMBER, 'connected / callsEnded (0 before the first call ended).', 0.4) connectRate: number;
}

@ResponseSchema('A campaign as listed: every field of a campaign, and its progress.')
export class CampaignListItem extends Campaign {
  @Field(ref(() => CampaignProgress), 'Its progress now.', { totalLeads: 300, ended: 120, liveCalls: 8, callsEnded: 150, connected: 60, connectRate: 0.4 })
  progress: CampaignProgress;
}

@ResponseSchema('A new draft cloned from another campaign.')
export class ClonedCampaign extends Campaign {
  @Field(UUID, 'The campaign it was cloned from.', EX.id2) clonedFrom: string;
  @Field(INT, 'Leads copied (0 without includeLeads; DNC numbers are left out).', 120) leadsCopied: number;
}

@ResponseSchema('A page of campaigns, newest first.')
export class CampaignPage {
  @Field(arrayOf(ref(() => CampaignListItem)), 'The campaigns of this page, each with its progress.', []) data: CampaignListItem[];
  @Field(UUID, 'Pass as cursor for the next page; null on the last page.', null, { nullable: true }) nextCursor: string | null;
}

@ResponseSchema('One hour of a schedule preview.')
export class SchedulePreviewHour {
  @Field(DATE_TIME, 'Start of the hour.', '2026-03-02T14:00:00.000Z') start: string;
  @Field(INT, 'Open leads that may be called at some moment of this hour.', 340) callable: number;
  @Field(INT, 'Of those, the ones not callable just before the hour (their window opens or they fall due in it).', 120) opening: number;
  @Field(mapOf(INT), 'Callable leads per zone set ("America/Chicago+America/New_York" when a lead has several).', { 'America/New_York': 220, 'America/Chicago': 120 })
  byZone: Record<string, number>;
}

@ResponseSchema('Hour by hour: how many of a campaign\'s open leads may be called.')
export class SchedulePreview {
  @Field(UUID, 'The campaign.', EX.id) campaignId: string;
  @Field(DATE_TIME, 'Start of the first hour.', '2026-03-02T14:00:00.000Z') from: string;
  @Field(INT, 'Days previewed.', 2) days: number;
  @Field(INT, 'Groups of leads evaluated (zones × number prefix × due hour).', 12) groups: number;
  @Field(arrayOf(ref(() => SchedulePreviewHour)), 'One entry per hour.', []) hours: SchedulePreviewHour[];
}
