import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { ApiKeyRole } from '@dialer/db';
import { ROLES } from '../http/permissions';
import { arrayOf, DATE_TIME, EX, Field, oneOf, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';
import { Doc } from '../openapi/doc';

export class CreateApiKeyDto {
  /** A label to tell keys apart ("CI", "dashboard"). */
  @Doc('A label to tell keys apart.', 'CI')
  @IsString() @Length(1, 100) name: string;
  @Doc('admin, manager or viewer: what the key may do.', 'viewer')
  @IsIn(ROLES) role: ApiKeyRole;
}

export class ListApiKeysQuery {
  /** true: revoked keys too. */
  @Doc('true: revoked keys too.', 'true')
  @IsOptional() @IsIn(['true', 'false']) includeRevoked?: 'true' | 'false';
}

// ---- responses ----

@ResponseSchema('An API key as the API shows it: never the key, never its hash.')
export class ApiKey {
  @Field(UUID, 'The key id.', EX.id) id: string;
  @Field(TEXT, 'Its label.', 'dashboard') name: string;
  @Field(TEXT, 'The first characters of the key, to tell keys apart.', 'dk_A1b2C3d4') prefix: string;
  @Field(oneOf(ROLES), 'What it may do: admin, manager or viewer.', 'viewer') role: ApiKeyRole;
  @Field(DATE_TIME, 'When it was created.', EX.at) createdAt: Date;
  @Field(DATE_TIME, 'When it was last used.', EX.at, { nullable: true }) lastUsedAt: Date | null;
  @Field(DATE_TIME, 'When it was revoked (null: it works).', null, { nullable: true }) revokedAt: Date | null;
}

@ResponseSchema('A new API key, with the key itself: shown in this answer only.')
export class CreatedApiKey extends ApiKey {
  @Field(TEXT, 'The key: send it as Authorization: Bearer <key>. Store it now; it is never shown again.', 'dk_A1b2C3d4_9f8e7d6c5b4a39281706f5e4d3c2b1a0ZyXwVuTs')
  apiKey: string;
}

@ResponseSchema('The tenant\'s API keys, newest first (one page of at most 1000).')
export class ApiKeyPage {
  @Field(arrayOf(ref(() => ApiKey)), 'The keys.', []) data: ApiKey[];
  @Field(UUID, 'For a next page; null today (every key is on this page).', null, { nullable: true }) nextCursor: string | null;
}
