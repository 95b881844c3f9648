import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUrl, Length, Matches, Max, Min,
  ValidateIf,
} from 'class-validator';
import type { ProviderType } from '@dialer/db';
import { E164 } from '../http/validators';
import { arrayOf, DATE_TIME, EX, Field, NUMBER, OBJECT, oneOf, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';

const URL_OPTS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };
const E164_MSG = (f: string) => ({ message: `${f} must be an E.164 number, like +14155550100` });

/** Fields every provider connection has. */
class BaseConnectionDto {
  @IsString() @Length(1, 200) name: string;
  @IsOptional() @IsUrl(URL_OPTS) baseUrl?: string;
  /** Calls this connection may start per second (the dialer paces to it); default 10. */
  @IsOptional() @Type(() => Number) @IsNumber() @Min(0.001) @Max(10_000) callsPerSecond?: number;
  /** Longest a call may last once answered (Twilio TimeLimit, Vapi maxDurationSeconds, Exotel TimeLimit). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(10) @Max(14_400) timeLimitSeconds?: number;
}

export class TwilioConnectionDto extends BaseConnectionDto {
  @IsIn(['twilio']) type: 'twilio';
  @IsString() @Length(1, 200) accountSid: string;
  @IsString() @Length(1, 500) authToken: string;
  @Matches(E164, E164_MSG('fromNumber')) fromNumber: string;
  /** Caller ids to rotate through. */
  @IsOptional() @IsArray() @ArrayMaxSize(100) @Matches(E164, { each: true, ...E164_MSG('fromNumbers') }) fromNumbers?: string[];
  @IsOptional() @IsUrl(URL_OPTS) twimlUrl?: string;
  @IsOptional() @IsIn(['Enable', 'DetectMessageEnd']) machineDetection?: 'Enable' | 'DetectMessageEnd';
  @IsOptional() @IsBoolean() record?: boolean;
}

export class VapiConnectionDto extends BaseConnectionDto {
  @IsIn(['vapi']) type: 'vapi';
  @IsString() @Length(1, 500) apiKey: string;
  @IsString() @Length(1, 200) assistantId: string;
  @IsString() @Length(1, 200) phoneNumberId: string;
  /** Secret Vapi sends with its server messages (X-Vapi-Secret / Bearer), or the HMAC key; generated when absent. */
  @IsOptional() @IsString() @Length(16, 500) webhookSecret?: string;
  /** `{"mode":"secret"}` (default) or `{"mode":"hmac","hmac":{algorithm, signatureHeader, timestampHeader, payloadFormat, …}}`. */
  @IsOptional() @IsObject() webhookAuth?: Record<string, unknown>;
  @IsOptional() @IsString() @Length(1, 200) serverCredentialId?: string;
}

export class ExotelConnectionDto extends BaseConnectionDto {
  @IsIn(['exotel']) type: 'exotel';
  @IsString() @Length(1, 200) accountSid: string;
  @IsString() @Length(1, 500) apiKey: string;
  @IsString() @Length(1, 500) apiToken: string;
  /** The ExoPhone shown to callees. */
  @IsString() @Length(3, 20) callerId: string;
  /** Flow (app) URL callees are connected to; or `agentNumber`, called first and bridged. One of them. */
  @ValidateIf((o: ExotelConnectionDto) => o.agentNumber === undefined) @IsUrl(URL_OPTS) flowUrl?: string;
  @ValidateIf((o: ExotelConnectionDto) => o.flowUrl === undefined) @Matches(E164, E164_MSG('agentNumber')) agentNumber?: string;
  @IsOptional() @IsIn(['trans', 'promo']) callType?: string;
  @IsOptional() @IsBoolean() record?: boolean;
}

export const CONNECTION_DTOS = { twilio: TwilioConnectionDto, vapi: VapiConnectionDto, exotel: ExotelConnectionDto } as const;
export type ConnectionDto = TwilioConnectionDto | VapiConnectionDto | ExotelConnectionDto;

const HMAC_ALGORITHMS = ['sha256', 'sha512', 'sha1'];
const HMAC_TEXT_FIELDS = ['signatureHeader', 'timestampHeader', 'payloadFormat', 'signaturePrefix'];

/**
 * Checks a Vapi `webhookAuth` setting: `{"mode":"secret"}` or `{"mode":"hmac","hmac":{…}}` with
 * Vapi's HMAC credential fields (https://docs.vapi.ai/server-url/server-authentication).
 */
export function parseVapiWebhookAuth(v: Record<string, unknown>): { auth: Record<string, unknown> } | { problem: string } {
  if (v.mode === 'secret') return { auth: { mode: 'secret' } };
  if (v.mode !== 'hmac') return { problem: 'mode must be "secret" or "hmac"' };
  const h = (v.hmac ?? {}) as Record<string, unknown>;
  if (typeof h !== 'object' || Array.isArray(h)) return { problem: 'hmac must be an object' };
  if (h.algorithm !== undefined && !HMAC_ALGORITHMS.includes(String(h.algorithm))) return { problem: 'hmac.algorithm must be sha256, sha512 or sha1' };
  if (h.signatureEncoding !== undefined && h.signatureEncoding !== 'hex' && h.signatureEncoding !== 'base64') return { problem: 'hmac.signatureEncoding must be hex or base64' };
  for (const f of HMAC_TEXT_FIELDS) if (h[f] !== undefined && typeof h[f] !== 'string') return { problem: `hmac.${f} must be a string` };
  if (h.includeTimestamp !== undefined && typeof h.includeTimestamp !== 'boolean') return { problem: 'hmac.includeTimestamp must be a boolean' };
  if (h.toleranceSeconds !== undefined && (typeof h.toleranceSeconds !== 'number' || h.toleranceSeconds <= 0)) return { problem: 'hmac.toleranceSeconds must be a positive number' };
  const hmac: Record<string, unknown> = {};
  for (const f of ['algorithm', 'signatureEncoding', 'includeTimestamp', 'toleranceSeconds', ...HMAC_TEXT_FIELDS]) if (h[f] !== undefined) hmac[f] = h[f];
  return { auth: { mode: 'hmac', hmac } };
}

// ---- responses ----

@ResponseSchema('A provider connection as the API shows it: its settings, never its credentials.')
export class ProviderConnection {
  @Field(UUID, 'The connection id.', EX.id) id: string;
  @Field(TEXT, 'Its name.', 'Twilio US') name: string;
  @Field(oneOf(Object.keys(CONNECTION_DTOS)), 'The provider.', 'twilio') type: ProviderType;
  @Field(TEXT, 'API base URL; null: the provider\'s public API.', null, { nullable: true }) baseUrl: string | null;
  @Field(OBJECT, 'Non-secret settings by provider: accountSid, fromNumber(s), assistantId, phoneNumberId, callerId, timeLimitSeconds, …',
    { accountSid: 'AC0123456789abcdef0123456789abcdef', fromNumber: '+14155550100' })
  config: Record<string, unknown>;
  @Field(NUMBER, 'Calls started per second at most through this connection.', 10) callsPerSecond: number;
  @Field(DATE_TIME, 'When it was created.', EX.at) createdAt: Date;
  @Field(DATE_TIME, 'When it last changed.', EX.at) updatedAt: Date;
}

@ResponseSchema('The tenant\'s provider connections, newest first (one page of at most 500).')
export class ProviderConnectionPage {
  @Field(arrayOf(ref(() => ProviderConnection)), 'The connections.', []) data: ProviderConnection[];
  @Field(UUID, 'For a next page; null today (every connection is on this page).', null, { nullable: true }) nextCursor: string | null;
}
