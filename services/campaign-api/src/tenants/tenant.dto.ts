import { Transform, Type } from 'class-transformer';
import { IsInt, IsISO31661Alpha2, IsOptional, Max, Min } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { Nullable } from '@dialer/platform';
import { DATE_TIME, EX, Field, INT, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';

const upper = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().toUpperCase() : value);

/** PATCH /v1/tenant: each field absent is left as it is. */
export class UpdateTenantDto {
  @JSONSchema({
    description: 'ISO 3166-1 alpha-2 country assumed for numbers written without a country code; campaigns created afterwards without their own defaultCountry inherit it (existing campaigns keep theirs).',
    examples: ['IN'],
  })
  @IsOptional() @Transform(upper) @IsISO31661Alpha2({ message: 'defaultCountry must be an ISO 3166-1 alpha-2 country code (US, IN, GB …)' }) defaultCountry?: string;
  @JSONSchema({
    description: 'Live calls at most across all the tenant\'s campaigns (1–100000; null: no tenant limit). A call needs a slot here besides its campaign\'s and its provider account\'s (docs/dialing-rules.md).',
    examples: [20],
  })
  @IsOptional() @Nullable() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) maxConcurrentCalls?: number | null;
  @JSONSchema({
    description: 'The tenant\'s share of a provider account it shares with other tenants, relative to theirs (1–1000, default 1).',
    examples: [1],
  })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) weight?: number;
}

@ResponseSchema('The caller\'s tenant (team), its defaults and its concurrency budget.')
export class TenantView {
  @Field(UUID, 'The tenant id.', EX.id2) id: string;
  @Field(TEXT, 'Its name.', 'Acme Realty') name: string;
  @Field(TEXT, 'Country (ISO 3166-1 alpha-2) assumed for numbers written without a country code, unless a campaign sets its own.', 'IN') defaultCountry: string;
  @Field(INT, 'Live calls at most across all its campaigns (null: no tenant limit).', 20, { nullable: true }) maxConcurrentCalls: number | null;
  @Field(INT, 'Its share of a provider account shared with other tenants, relative to theirs.', 1) weight: number;
  @Field(DATE_TIME, 'When it was created.', EX.at) createdAt: Date;
}
