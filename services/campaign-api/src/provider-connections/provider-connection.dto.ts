import { Type } from 'class-transformer';
import { JSONSchema } from 'class-validator-jsonschema';
import { Nullable } from '@dialer/platform';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, IsUrl, Length, Matches, Max, Min,
  ValidateIf,
} from 'class-validator';
import type { ProviderType } from '@dialer/db';
import { E164 } from '../http/validators';
import { arrayOf, DATE_TIME, EX, Field, INT, NUMBER, OBJECT, oneOf, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';
import { Doc } from '../openapi/doc';

const URL_OPTS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };
const E164_MSG = (f: string) => ({ message: `${f} must be an E.164 number, like +14155550100` });

/** Fields every provider connection has. */
class BaseConnectionDto {
  @Doc('A name to tell connections apart.', 'Twilio production')
  @IsString() @Length(1, 200) name: string;
  @Doc('The provider\'s API address (default: the provider\'s own; provider-sim for tests and the demo).', 'http://127.0.0.1:3010')
  @IsOptional() @IsUrl(URL_OPTS) baseUrl?: string;
  /** Calls this connection may start per second (the dialer paces to it); default 10. */
  @Doc('Calls this connection may start per second (the dialer paces to it); default 10.', 10)
  @IsOptional() @Type(() => Number) @IsNumber() @Min(0.001) @Max(10_000) callsPerSecond?: number;
  /** Longest a call may last once answered (Twilio TimeLimit, Vapi maxDurationSeconds, Exotel TimeLimit). */
  @Doc('Longest a call may last once answered, in seconds (Twilio TimeLimit, Vapi maxDurationSeconds, Exotel TimeLimit).', 600)
  @IsOptional() @Type(() => Number) @IsInt() @Min(10) @Max(14_400) timeLimitSeconds?: number;
  @Doc('Live calls the provider account allows at once (its concurrency); absent: no limit at this level. A call needs a slot here besides its campaign\'s and its tenant\'s.', 50)
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) maxConcurrentCalls?: number;
  @Doc('Slots of maxConcurrentCalls kept free for calls not placed by campaigns (inbound, manual); default 0, less than maxConcurrentCalls.', 5)
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(99_999) reservedCalls?: number;
  @Doc('Connections of this tenant naming the same account key share one concurrency budget (the account\'s); absent: this connection alone. Keys are per tenant: another tenant\'s "main" is another budget.', 'twilio-main')
  @IsOptional() @IsString() @Length(1, 200) accountKey?: string;
  @Doc('A provider account shared across tenants that the platform operator opened to this tenant (docs/dialing-rules.md): the connection uses its budget, set by the operator, and has none of its own (no maxConcurrentCalls, reservedCalls or accountKey).', 'reseller-twilio')
  @IsOptional() @IsString() @Length(1, 200) sharedAccount?: string;
}

export class TwilioConnectionDto extends BaseConnectionDto {
  @Doc('twilio.', 'twilio')
  @IsIn(['twilio']) type: 'twilio';
  @Doc('The Twilio account SID.', 'AC0123456789abcdef0123456789abcdef')
  @IsString() @Length(1, 200) accountSid: string;
  @Doc('The Twilio auth token (stored encrypted, never returned; also verifies webhook signatures).', 'your-auth-token')
  @IsString() @Length(1, 500) authToken: string;
  @Doc('The caller id, E.164.', '+14155550100')
  @Matches(E164, E164_MSG('fromNumber')) fromNumber: string;
  /** Caller ids to rotate through. */
  @Doc('Caller ids to rotate through, E.164.', ['+14155550100', '+14155550101'])
  @IsOptional() @IsArray() @ArrayMaxSize(100) @Matches(E164, { each: true, ...E164_MSG('fromNumbers') }) fromNumbers?: string[];
  @Doc('The TwiML URL Twilio fetches when the callee answers.', 'https://example.com/twiml/agent')
  @IsOptional() @IsUrl(URL_OPTS) twimlUrl?: string;
  @Doc('Answering-machine detection (Twilio MachineDetection): Enable or DetectMessageEnd. Without it no call ends as voicemail.', 'Enable')
  @IsOptional() @IsIn(['Enable', 'DetectMessageEnd']) machineDetection?: 'Enable' | 'DetectMessageEnd';
  @Doc('Record calls (never in HIPAA or PCI campaigns).', false)
  @IsOptional() @IsBoolean() record?: boolean;
}

export class VapiConnectionDto extends BaseConnectionDto {
  @Doc('vapi.', 'vapi')
  @IsIn(['vapi']) type: 'vapi';
  @Doc('The Vapi private API key (stored encrypted, never returned).', 'your-vapi-key')
  @IsString() @Length(1, 500) apiKey: string;
  @Doc('The Vapi assistant that talks to callees.', 'asst_123')
  @IsString() @Length(1, 200) assistantId: string;
  @Doc('The Vapi phone number calls are placed from.', 'pn_123')
  @IsString() @Length(1, 200) phoneNumberId: string;
  /** Secret Vapi sends with its server messages (X-Vapi-Secret / Bearer), or the HMAC key; generated when absent. */
  @Doc('Secret Vapi sends with its server messages (X-Vapi-Secret / Bearer), or the HMAC key; generated when absent.', 'a-long-random-secret-value')
  @IsOptional() @IsString() @Length(16, 500) webhookSecret?: string;
  /** `{"mode":"secret"}` (default) or `{"mode":"hmac","hmac":{algorithm, signatureHeader, timestampHeader, payloadFormat, …}}`. */
  @Doc('How Vapi server messages are verified: {"mode":"secret"} (default) or {"mode":"hmac","hmac":{…}}.', { mode: 'secret' })
  @IsOptional() @IsObject() webhookAuth?: Record<string, unknown>;
  @Doc('A Vapi credential id for the server URL (instead of the secret header).', 'cred_123')
  @IsOptional() @IsString() @Length(1, 200) serverCredentialId?: string;
}

export class ExotelConnectionDto extends BaseConnectionDto {
  @Doc('exotel.', 'exotel')
  @IsIn(['exotel']) type: 'exotel';
  @Doc('The Exotel account SID.', 'yourcompany1')
  @IsString() @Length(1, 200) accountSid: string;
  @Doc('The Exotel API key.', 'your-exotel-key')
  @IsString() @Length(1, 500) apiKey: string;
  @Doc('The Exotel API token (stored encrypted, never returned).', 'your-exotel-token')
  @IsString() @Length(1, 500) apiToken: string;
  /** The ExoPhone shown to callees. */
  @Doc('The ExoPhone shown to callees.', '08030752400')
  @IsString() @Length(3, 20) callerId: string;
  /** Flow (app) URL callees are connected to; or `agentNumber`, called first and bridged. One of them. */
  @Doc('Flow (app) URL callees are connected to; or agentNumber. One of them.', 'http://my.exotel.com/exoml/start_voice/12345')
  @ValidateIf((o: ExotelConnectionDto) => o.agentNumber === undefined) @IsUrl(URL_OPTS) flowUrl?: string;
  @Doc('A number called first and bridged to the callee (instead of flowUrl), E.164.', '+919876543210')
  @ValidateIf((o: ExotelConnectionDto) => o.flowUrl === undefined) @Matches(E164, E164_MSG('agentNumber')) agentNumber?: string;
  @Doc('trans (transactional, default) or promo (promotional).', 'trans')
  @IsOptional() @IsIn(['trans', 'promo']) callType?: string;
  @Doc('Record calls (never in HIPAA or PCI campaigns).', false)
  @IsOptional() @IsBoolean() record?: boolean;
}

/** PATCH /v1/provider-connections/:id: the concurrency budget; each field absent is left as it is. */
export class UpdateProviderConnectionDto {
  @JSONSchema({
    description: 'Live calls the provider account allows at once (1–100000; null: no limit at this level). Running dialers apply it within about a second (CAMPAIGN_SETTINGS_TTL_MS); lowered below the live calls, no new call starts until they are under it, and none is cut.',
    type: ['integer', 'null'], examples: [40],
  })
  @IsOptional() @Nullable() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) maxConcurrentCalls?: number | null;
  @Doc('Slots of maxConcurrentCalls kept free for calls not placed by campaigns; less than maxConcurrentCalls (0 when it is null).', 5)
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(99_999) reservedCalls?: number;
  @JSONSchema({
    description: 'Connections of this tenant naming the same account key share one concurrency budget; null: this connection alone.',
    type: ['string', 'null'], examples: ['twilio-main'],
  })
  @IsOptional() @Nullable() @IsString() @Length(1, 200) accountKey?: string | null;  @JSONSchema({
    description: 'Join a provider account shared across tenants that the platform operator opened to this tenant (its budget, set by the operator, replaces the connection\'s own: joining clears maxConcurrentCalls, reservedCalls and accountKey); null: leave it.',
    type: ['string', 'null'], examples: ['reseller-twilio'],
  })
  @IsOptional() @Nullable() @IsString() @Length(1, 200) sharedAccount?: string | null;
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
  @Field(INT, 'Live calls the provider account allows at once (null: no limit at this level).', 50, { nullable: true }) maxConcurrentCalls: number | null;
  @Field(INT, 'Slots of maxConcurrentCalls kept free for calls not placed by campaigns.', 0) reservedCalls: number;
  @Field(TEXT, 'Connections of this tenant with the same account key share one concurrency budget (null: its own).', null, { nullable: true }) accountKey: string | null;
  @Field(TEXT, 'The operator\'s shared provider account it is in (its budget applies; null: none).', null, { nullable: true }) sharedAccount: string | null;
  @Field(DATE_TIME, 'When it was created.', EX.at) createdAt: Date;
  @Field(DATE_TIME, 'When it last changed.', EX.at) updatedAt: Date;
}

@ResponseSchema('The tenant\'s provider connections, newest first (one page of at most 500).')
export class ProviderConnectionPage {
  @Field(arrayOf(ref(() => ProviderConnection)), 'The connections.', []) data: ProviderConnection[];
  @Field(UUID, 'For a next page; null today (every connection is on this page).', null, { nullable: true }) nextCursor: string | null;
}
