import { Transform } from 'class-transformer';
import { IsISO31661Alpha2 } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { DATE_TIME, EX, Field, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';

const upper = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim().toUpperCase() : value);

/** PATCH /v1/tenant */
export class UpdateTenantDto {
  @JSONSchema({
    description: 'ISO 3166-1 alpha-2 country assumed for numbers written without a country code; campaigns created afterwards without their own defaultCountry inherit it (existing campaigns keep theirs).',
    examples: ['IN'],
  })
  @Transform(upper) @IsISO31661Alpha2({ message: 'defaultCountry must be an ISO 3166-1 alpha-2 country code (US, IN, GB …)' }) defaultCountry: string;
}

@ResponseSchema('The caller\'s tenant (team) and its defaults.')
export class TenantView {
  @Field(UUID, 'The tenant id.', EX.id2) id: string;
  @Field(TEXT, 'Its name.', 'Acme Realty') name: string;
  @Field(TEXT, 'Country (ISO 3166-1 alpha-2) assumed for numbers written without a country code, unless a campaign sets its own.', 'IN') defaultCountry: string;
  @Field(DATE_TIME, 'When it was created.', EX.at) createdAt: Date;
}
