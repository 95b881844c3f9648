import { LEAD_FIELD_TYPES, REQUIRABLE_BUILTINS } from '@dialer/domain';
import { ANY, arrayOf, BOOL, Field, INT, NUMBER, oneOf, ref, ResponseSchema, TEXT } from '../openapi/response-schema';

/** The real-estate example (docs/lead-schema.md; test/fixtures/real-estate/schema.json). */
export const LEAD_SCHEMA_EXAMPLE = {
  require: ['name'],
  fields: [
    { name: 'property_type', type: 'text', required: true, case: 'upper' },
    { name: 'location', type: 'text', required: true },
    { name: 'budget', type: 'number', exclusiveMin: 0 },
    { name: 'source', type: 'enum', values: ['website', 'referral', 'advertisement', 'partner'] },
    { name: 'tags', type: 'tags', separator: ',' },
  ],
};

@ResponseSchema('One typed field of a lead schema (docs/lead-schema.md).')
export class LeadFieldSpecView {
  @Field(TEXT, 'The key in the lead\'s custom, the CSV column (matched ignoring case, spaces and punctuation) and the {{variable}} of scripts.', 'budget') name: string;
  @Field(oneOf(LEAD_FIELD_TYPES), 'How values are read and stored: text, number, integer, boolean, date (YYYY-MM-DD), email, url, enum, tags (a list).', 'number') type: string;
  @Field(BOOL, 'A lead without it is refused.', false, { optional: true }) required?: boolean;
  @Field(NUMBER, 'number/integer: the smallest value; tags: the fewest items.', 1, { optional: true }) min?: number;
  @Field(NUMBER, 'number/integer: the largest value; tags: the most items.', 100000000, { optional: true }) max?: number;
  @Field(NUMBER, 'number/integer: the value must be greater than this.', 0, { optional: true }) exclusiveMin?: number;
  @Field(NUMBER, 'number/integer: the value must be less than this.', 100, { optional: true }) exclusiveMax?: number;
  @Field(INT, 'text/email/url and each tag: the fewest characters.', 1, { optional: true }) minLength?: number;
  @Field(INT, 'text/email/url and each tag: the most characters.', 50, { optional: true }) maxLength?: number;
  @Field(TEXT, 'text/email/url and each tag: a regular expression the value must match (unanchored).', '^[0-9]BHK$', { optional: true }) pattern?: string;
  @Field(arrayOf(TEXT), 'enum: the allowed values (matched ignoring case, stored as declared).', ['website', 'referral'], { optional: true }) values?: string[];
  @Field(TEXT, 'tags: what separates the items in a CSV cell (default ",").', ',', { optional: true }) separator?: string;
  @Field(BOOL, 'Trim surrounding whitespace (default true).', true, { optional: true }) trim?: boolean;
  @Field(oneOf(['upper', 'lower']), 'text/enum/email/url/tags: change the case first.', 'upper', { optional: true }) case?: 'upper' | 'lower';
  @Field(ANY, 'Taken when the value is absent or empty (valid for the field itself; stored typed).', 'website', { optional: true }) default?: unknown;
}

@ResponseSchema('A campaign\'s lead schema: the typed fields its leads carry in custom (docs/lead-schema.md).')
export class LeadSchemaView {
  @Field(arrayOf(ref(() => LeadFieldSpecView)), 'The fields, in template and export order.', LEAD_SCHEMA_EXAMPLE.fields) fields: LeadFieldSpecView[];
  @Field(arrayOf(oneOf(REQUIRABLE_BUILTINS)), 'Built-in fields the schema makes required: name (a first or last name), email. The phone always is.', ['name'], { optional: true })
  require?: string[];
}
