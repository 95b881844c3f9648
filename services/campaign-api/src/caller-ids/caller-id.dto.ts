import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Nullable } from '@dialer/platform';
import { E164 } from '../http/validators';
import { Doc } from '../openapi/doc';
import { arrayOf, BOOL, DATE_TIME, EX, Field, INT, NUMBER, oneOf, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';

const E164_MSG = { message: 'number must be an E.164 number, like +14155550100' };

export class AddCallerIdDto {
  @Doc('The caller id, E.164 (a number you own at the provider).', '+14155550100')
  @IsString() @Matches(E164, E164_MSG) number: string;
  @Doc('The provider\'s own id of the number, where calls name their number by id: required for Vapi (its phoneNumberId).', 'pn_0123')
  @IsOptional() @IsString() @Length(1, 200) providerNumberId?: string;
  @Doc('One of the pool\'s default numbers: used when no number has the callee\'s area code or region (none marked: every number is).', false)
  @IsOptional() @IsBoolean() isDefault?: boolean;
  @Doc('Paused numbers are never chosen.', false)
  @IsOptional() @IsBoolean() paused?: boolean;
  @Doc('Most calls per UTC day from this number (absent: no cap).', 200)
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) dailyCap?: number;
  @Doc('Seconds between two calls from this number (default 0).', 30)
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(86_400) cooldownSeconds?: number;
}

export class UpdateCallerIdDto {
  @Doc('The provider\'s own id of the number (null: none).', 'pn_0123')
  @IsOptional() @Nullable() @IsString() @Length(1, 200) providerNumberId?: string | null;
  @Doc('One of the pool\'s default numbers.', true)
  @IsOptional() @IsBoolean() isDefault?: boolean;
  @Doc('Pause (true) or resume (false) the number.', true)
  @IsOptional() @IsBoolean() paused?: boolean;
  @Doc('Most calls per UTC day (null: no cap).', 150)
  @IsOptional() @Nullable() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) dailyCap?: number | null;
  @Doc('Seconds between two calls from this number.', 60)
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(86_400) cooldownSeconds?: number;
}

export class UpdateCallerIdPoolDto {
  @Doc('true: when no number of the pool is usable (paused, capped, cooling down) the call waits; false (default): it goes out from the fixed caller id (the campaign\'s callerIdOverride, else the connection\'s).', true)
  @IsBoolean() poolOnly: boolean;
}

export class CallerIdStatsQuery {
  @Doc('The period the counts cover: the last this many days (1–90, default 7). The flag looks at each number\'s last 20 finished calls whatever the period.', 7)
  @Type(() => Number) @IsInt() @Min(1) @Max(90) days = 7;
}

// ---- responses ----

@ResponseSchema('A number of a caller-id pool.')
export class CallerId {
  @Field(UUID, 'The caller id\'s id.', EX.id) id: string;
  @Field(TEXT, 'The number, E.164.', '+14155550100') number: string;
  @Field(TEXT, 'The provider\'s own id of the number (Vapi phoneNumberId), if any.', null, { nullable: true }) providerNumberId: string | null;
  @Field(BOOL, 'One of the pool\'s default numbers.', false) isDefault: boolean;
  @Field(BOOL, 'Paused numbers are never chosen.', false) paused: boolean;
  @Field(INT, 'Most calls per UTC day; null: no cap.', 200, { nullable: true }) dailyCap: number | null;
  @Field(INT, 'Seconds between two calls from this number.', 30) cooldownSeconds: number;
  @Field(DATE_TIME, 'When it was added.', EX.at) createdAt: Date;
}

@ResponseSchema('The caller-id pool of a provider connection or a campaign (a campaign\'s pool, when it has numbers, overrides its connection\'s).')
export class CallerIdPool {
  @Field(oneOf(['provider_connection', 'campaign']), 'What the pool belongs to.', 'provider_connection') owner: 'provider_connection' | 'campaign';
  @Field(UUID, 'The connection or campaign id.', EX.id) ownerId: string;
  @Field(BOOL, 'When no number is usable: true, the call waits; false, the fixed caller id is used.', false) poolOnly: boolean;
  @Field(arrayOf(ref(() => CallerId)), 'The numbers, in number order.', []) callerIds: CallerId[];
}

@ResponseSchema('Calls by caller id over the period, and the spam-label flag.')
export class CallerIdStatsRow {
  @Field(TEXT, 'The number, E.164.', '+14155550100') number: string;
  @Field(BOOL, 'Paused.', false) paused: boolean;
  @Field(INT, 'Calls that went out from it in the period.', 120) calls: number;
  @Field(INT, 'Of those, the ones that ended.', 118) finished: number;
  @Field(INT, 'Ended calls that connected (answered by a person or a machine).', 40) connected: number;
  @Field(NUMBER, 'connected / finished (null without finished calls).', 0.339, { nullable: true }) connectRate: number | null;
  @Field(INT, 'Connected calls shorter than 10 s.', 6) shortCalls: number;
  @Field(BOOL, 'Shows the spam-label symptom over its last 20 finished calls (see flagRule).', false) flagged: boolean;
  @Field(oneOf(['low_connect_rate', 'short_calls']), 'Why it is flagged; null when not.', null, { nullable: true }) flagReason: 'low_connect_rate' | 'short_calls' | null;
}

@ResponseSchema('The rule that flags a number: over its last `window` finished calls (never before it made that many), a connect rate below minConnectRate, or a median talk time of the connected ones below minMedianTalkSeconds.')
export class CallerIdFlagRule {
  @Field(INT, 'How many of the number\'s most recent finished calls the rule looks at.', 20) window: number;
  @Field(NUMBER, 'Flagged below this connect rate.', 0.15) minConnectRate: number;
  @Field(NUMBER, 'Flagged below this median talk time of the connected calls, seconds.', 10) minMedianTalkSeconds: number;
}

@ResponseSchema('Stats by caller id of a pool.')
export class CallerIdStats {
  @Field(INT, 'The period, in days up to now.', 7) days: number;
  @Field(ref(() => CallerIdFlagRule), 'The flag rule.', { window: 20, minConnectRate: 0.15, minMedianTalkSeconds: 10 }) flagRule: CallerIdFlagRule;
  @Field(arrayOf(ref(() => CallerIdStatsRow)), 'One row per number of the pool.', []) data: CallerIdStatsRow[];
}
