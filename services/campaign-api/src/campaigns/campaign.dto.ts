import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsISO31661Alpha2, IsNumber, IsObject,
  IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateBy, ValidateNested, type ValidationOptions,
} from 'class-validator';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '@dialer/domain';
import { IsIanaZone, IsUsableWindow } from '../http/validators';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const HHMM_END = /^(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
export const COMPLIANCE_MODES = ['standard', 'hipaa', 'pci'] as const;
export type ComplianceMode = (typeof COMPLIANCE_MODES)[number];
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

export class RetryRuleDto {
  @IsBoolean() enabled: boolean;
  @IsInt() @Min(0) @Max(30 * 24 * 3600) delaySeconds: number;
  @IsOptional() @IsNumber() @Min(1) @Max(10) backoff?: number;
}

/** One optional rule per call outcome; an unknown outcome is rejected. */
export class RetryPolicyDto {
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) answered?: RetryRuleDto;
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) voicemail?: RetryRuleDto;
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) busy?: RetryRuleDto;
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) no_answer?: RetryRuleDto;
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) failed?: RetryRuleDto;
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) canceled?: RetryRuleDto;
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) invalid_number?: RetryRuleDto;
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) provider_error?: RetryRuleDto;
  /** Accepted for symmetry; an opt-out is never retried whatever this says. */
  @IsOptional() @ValidateNested() @Type(() => RetryRuleDto) opted_out?: RetryRuleDto;
}

/**
 * The calling window. Legacy form: one range `start`–`end` on `days`. Richer form: `ranges` per
 * weekday ("1" = Monday … "7" = Sunday → [{start, end}, …]). Both take `holidays` (local dates),
 * `excludeWeekends` and `rulePack` ("auto" or a pack id). The whole is checked by the domain rule.
 */
export class CallingWindowDto {
  @IsOptional() @Matches(HHMM, { message: 'start must be a time of day in HH:mm' }) start?: string;
  @IsOptional() @Matches(HHMM_END, { message: 'end must be a time of day in HH:mm' }) end?: string;
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(7) @IsInt({ each: true }) @Min(1, { each: true }) @Max(7, { each: true })
  days?: number[];
  @IsOptional() @IsObject() ranges?: Record<string, Array<{ start: string; end: string }>>;
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'holidays must be dates YYYY-MM-DD' })
  holidays?: string[];
  @IsOptional() @IsBoolean() excludeWeekends?: boolean;
  @IsOptional() @IsString() @Length(1, 32) rulePack?: string;
}

export class CreateCampaignDto {
  @IsString() @Length(1, 200) name: string;
  @IsOptional() @IsUUID() providerConnectionId?: string;
  @Transform(upper) @IsISO31661Alpha2() defaultCountry = 'US';
  @IsIanaZone() defaultTimezone = 'America/New_York';
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) maxConcurrentCalls = 5;
  @Type(() => Number) @IsInt() @Min(1) @Max(20) maxAttempts = 3;
  /** Calls to one number per rolling 24 hours across the tenant's campaigns; absent: no campaign cap. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) maxCallsPerNumber24h?: number;
  @IsOptional() @ValidateNested() @Type(() => RetryPolicyDto) retryPolicy?: RetryPolicyDto;
  @IsOptional() @IsUsableWindow() @ValidateNested() @Type(() => CallingWindowDto) callingWindow?: CallingWindowDto;
  @IsOptional() @Type(() => Date) @IsDate() scheduledStartAt?: Date;
  @IsOptional() @Type(() => Date) @IsDate() scheduledEndAt?: Date;
  @IsOptional() @IsObject() @MaxJsonBytes(MAX_SETTINGS_BYTES) settings?: Record<string, unknown>;
  /** standard (default), hipaa or pci: see README, Compliance modes. Fixed once the campaign has started. */
  @IsOptional() @IsIn(COMPLIANCE_MODES) complianceMode?: ComplianceMode;
}

/** PATCH: every field optional; null clears the nullable ones. */
export class UpdateCampaignDto {
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  @IsOptional() @IsUUID() providerConnectionId?: string | null;
  @IsOptional() @Transform(upper) @IsISO31661Alpha2() defaultCountry?: string;
  @IsOptional() @IsIanaZone() defaultTimezone?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) maxConcurrentCalls?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(20) maxAttempts?: number;
  /** null turns the campaign's cap off (a rule pack's cap still applies). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) maxCallsPerNumber24h?: number | null;
  @IsOptional() @ValidateNested() @Type(() => RetryPolicyDto) retryPolicy?: RetryPolicyDto;
  @IsOptional() @IsUsableWindow() @ValidateNested() @Type(() => CallingWindowDto) callingWindow?: CallingWindowDto;
  @IsOptional() @Type(() => Date) @IsDate() scheduledStartAt?: Date | null;
  @IsOptional() @Type(() => Date) @IsDate() scheduledEndAt?: Date | null;
  @IsOptional() @IsObject() @MaxJsonBytes(MAX_SETTINGS_BYTES) settings?: Record<string, unknown>;
  /** Only while the campaign is a draft. */
  @IsOptional() @IsIn(COMPLIANCE_MODES) complianceMode?: ComplianceMode;
}

/** POST /v1/campaigns/:id/clone */
export class CloneCampaignDto {
  /** Default: the source's name + " (copy)". */
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  /** Copy the leads too (as new pending leads; tenant DNC scrubbed). Default false. */
  @IsOptional() @IsBoolean() includeLeads?: boolean;
}

export class ListCampaignsQuery {
  @IsOptional() @IsIn(CAMPAIGN_STATUSES) status?: CampaignStatus;
  /** Case-insensitive substring of the name. */
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  @IsOptional() @IsIn(COMPLIANCE_MODES) complianceMode?: ComplianceMode;
  /** true: only soft-deleted campaigns (to restore them). */
  @IsOptional() @IsIn(['true', 'false']) deleted?: 'true' | 'false';
  @Type(() => Number) @IsInt() @Min(1) @Max(200) limit = 50;
  @IsOptional() @IsUUID() cursor?: string;
}

/** GET /v1/campaigns/:id/schedule-preview */
export class SchedulePreviewQuery {
  /** Start of the preview (default: now), rounded down to the hour. */
  @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @Type(() => Number) @IsInt() @Min(1) @Max(14) days = 2;
}
