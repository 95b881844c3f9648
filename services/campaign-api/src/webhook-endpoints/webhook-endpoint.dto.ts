import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsOptional, IsString, IsUrl, IsUUID, Length, Max, MaxLength, Min,
} from 'class-validator';
import { OUTBOUND_EVENT_TYPES } from '@dialer/domain';
import { arrayOf, BOOL, DATE_TIME, EX, Field, INT, OBJECT, oneOf, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';
import { Doc } from '../openapi/doc';

const URL_OPTS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true, require_valid_protocol: true };

export class CreateWebhookEndpointDto {
  @Doc('Where events are POSTed. https in production; http only to localhost outside production.', 'https://crm.example.com/hooks/dialer')
  @IsString() @MaxLength(2000) @IsUrl(URL_OPTS) url: string;
  @Doc('A note to tell endpoints apart.', 'CRM sync')
  @IsOptional() @IsString() @Length(0, 500) description?: string;
  @Doc(`The event types to send: ${OUTBOUND_EVENT_TYPES.join(', ')}.`, ['call.ended', 'lead.qualified'])
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(OUTBOUND_EVENT_TYPES.length) @ArrayUnique() @IsIn(OUTBOUND_EVENT_TYPES, { each: true }) eventTypes: string[];
  @Doc('Only these campaigns\' events (absent or empty: every campaign\'s; events of no campaign are sent only without a filter).', [EX.id])
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true }) campaignIds?: string[];
  @Doc('false: nothing is sent (default true).', true)
  @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateWebhookEndpointDto {
  @Doc('Where events are POSTed.', 'https://crm.example.com/hooks/dialer-v2')
  @IsOptional() @IsString() @MaxLength(2000) @IsUrl(URL_OPTS) url?: string;
  @Doc('A note to tell endpoints apart.', 'CRM sync')
  @IsOptional() @IsString() @Length(0, 500) description?: string;
  @Doc('The event types to send.', ['call.ended'])
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(OUTBOUND_EVENT_TYPES.length) @ArrayUnique() @IsIn(OUTBOUND_EVENT_TYPES, { each: true }) eventTypes?: string[];
  @Doc('Only these campaigns\' events; [] or null: every campaign\'s.', [])
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true }) campaignIds?: string[] | null;
  @Doc('Enable or disable it (enabling clears the reason it was disabled for).', true)
  @IsOptional() @IsBoolean() enabled?: boolean;
}

export class ListDeliveriesQuery {
  @Doc('Only deliveries in this state.', 'failed')
  @IsOptional() @IsIn(['pending', 'succeeded', 'failed']) status?: 'pending' | 'succeeded' | 'failed';
  @Doc('Page size (default 50, at most 200).', 50)
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @Doc('The nextCursor of the previous page.', EX.id)
  @IsOptional() @IsUUID() cursor?: string;
}

export class RedeliverDto {
  @Doc('Every delivery of this endpoint that failed (given up or still retrying) whose event was created at or after this time is sent again.', EX.at)
  @Type(() => Date) @IsDate() since: Date;
}

// ---- responses ----

@ResponseSchema('An endpoint that receives the tenant\'s events, signed (Standard Webhooks). Its secret is never shown here.')
export class WebhookEndpoint {
  @Field(UUID, 'The endpoint id.', EX.id) id: string;
  @Field(TEXT, 'Where events are POSTed.', 'https://crm.example.com/hooks/dialer') url: string;
  @Field(TEXT, 'Its note.', 'CRM sync') description: string;
  @Field(arrayOf(oneOf(OUTBOUND_EVENT_TYPES)), 'The event types it receives.', ['call.ended', 'lead.qualified']) eventTypes: string[];
  @Field(arrayOf(UUID), 'Only these campaigns\' events; null: every campaign\'s.', null, { nullable: true }) campaignIds: string[] | null;
  @Field(BOOL, 'Whether events are sent to it.', true) enabled: boolean;
  @Field(TEXT, 'Why it was disabled by the system (3 days of failed deliveries); null otherwise.', null, { nullable: true }) disabledReason: string | null;
  @Field(DATE_TIME, 'When every delivery since began to fail; null while they succeed.', null, { nullable: true }) failingSince: Date | null;
  @Field(DATE_TIME, 'Until when the previous secret still signs too (after a rotation); null: only the current one.', null, { nullable: true }) previousSecretExpiresAt: Date | null;
  @Field(DATE_TIME, 'When it was created.', EX.at) createdAt: Date;
  @Field(DATE_TIME, 'When it was last changed.', EX.at) updatedAt: Date;
}

@ResponseSchema('A new endpoint with its signing secret: shown in this answer only.')
export class CreatedWebhookEndpoint extends WebhookEndpoint {
  @Field(TEXT, 'The signing secret (Standard Webhooks, whsec_…). Store it now; it is never shown again.', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')
  secret: string;
}

@ResponseSchema('A rotated signing secret: the new one signs from now on, the previous one too until previousSecretExpiresAt.')
export class RotatedWebhookSecret {
  @Field(TEXT, 'The new signing secret; shown in this answer only.', 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD') secret: string;
  @Field(DATE_TIME, 'Until when the previous secret still signs too.', EX.at) previousSecretExpiresAt: Date;
}

@ResponseSchema('The tenant\'s endpoints.')
export class WebhookEndpointPage {
  @Field(arrayOf(ref(() => WebhookEndpoint)), 'The endpoints.', []) data: WebhookEndpoint[];
  @Field(UUID, 'Always null: every endpoint is on this page.', null, { nullable: true }) nextCursor: string | null;
}

@ResponseSchema('One try of a delivery.')
export class WebhookDeliveryAttempt {
  @Field(INT, 'Its number (1 is the first try).', 1) attemptNo: number;
  @Field(INT, 'The HTTP status the endpoint answered; null: no answer (timeout, refused, connection error).', 200, { nullable: true }) statusCode: number | null;
  @Field(INT, 'How long the endpoint took, in milliseconds.', 42) latencyMs: number;
  @Field(TEXT, 'The start of the answer (capped).', 'ok', { nullable: true }) responseExcerpt: string | null;
  @Field(TEXT, 'What went wrong, when it did.', null, { nullable: true }) error: string | null;
  @Field(DATE_TIME, 'When it was tried.', EX.at) at: Date;
}

@ResponseSchema('One event sent (or to be sent) to one endpoint, with its tries.')
export class WebhookDelivery {
  @Field(UUID, 'The delivery id.', EX.id) id: string;
  @Field(UUID, 'The event id (the webhook-id header: receivers deduplicate on it).', EX.id2) eventId: string;
  @Field(TEXT, 'The event type.', 'call.ended') eventType: string;
  @Field(oneOf(['pending', 'succeeded', 'failed']), 'pending: not delivered yet (retried for 3 days); succeeded; failed: given up.', 'succeeded') status: string;
  @Field(INT, 'Tries so far.', 1) attempts: number;
  @Field(INT, 'How many times it was sent again by hand.', 0) redeliveries: number;
  @Field(INT, 'The last answer\'s HTTP status.', 200, { nullable: true }) lastStatusCode: number | null;
  @Field(TEXT, 'The last failure.', null, { nullable: true }) lastError: string | null;
  @Field(DATE_TIME, 'When the event was created.', EX.at) createdAt: Date;
  @Field(DATE_TIME, 'When it was delivered.', EX.at, { nullable: true }) deliveredAt: Date | null;
  @Field(arrayOf(ref(() => WebhookDeliveryAttempt)), 'Its last tries (at most 10), oldest first.', []) recentAttempts: WebhookDeliveryAttempt[];
}

@ResponseSchema('An endpoint\'s deliveries, newest first.')
export class WebhookDeliveryPage {
  @Field(arrayOf(ref(() => WebhookDelivery)), 'The deliveries.', []) data: WebhookDelivery[];
  @Field(UUID, 'Pass as cursor for the next page; null on the last.', null, { nullable: true }) nextCursor: string | null;
}

@ResponseSchema('How many deliveries were asked to be sent again.')
export class RedeliveryResult {
  @Field(INT, 'Deliveries queued again.', 3) redelivered: number;
}

@ResponseSchema('The test event queued for the endpoint.')
export class WebhookTestResult {
  @Field(UUID, 'The test event id.', EX.id2) eventId: string;
  @Field(UUID, 'Its delivery (watch it in the delivery log).', EX.id) deliveryId: string;
  @Field(OBJECT, 'The envelope that is sent.', { id: EX.id2, type: 'webhook.test', createdAt: EX.at, tenantId: EX.id, data: { endpointId: EX.id } }) event: Record<string, unknown>;
}
