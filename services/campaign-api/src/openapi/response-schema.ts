import { Allow, IsOptional } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

/**
 * Response classes: what a route answers, declared once. The handlers type their answer by the
 * class (`satisfies Campaign`, or a view function returning it), class-validator-jsonschema turns
 * the class into its components.schemas entry, and test/openapi-responses.test.ts checks real
 * answers against that schema (strict: an undocumented field fails).
 */

export type Schema = Record<string, unknown>;
/** A schema, or a thunk for one that names a class declared further down (a $ref). */
export type SchemaSource = Schema | (() => Schema);
type AnyClass = abstract new (...args: never[]) => object;

export function resolveSchema(s: SchemaSource): Schema {
  return typeof s === 'function' ? s() : s;
}

export const UUID: Schema = { type: 'string', format: 'uuid' };
export const TEXT: Schema = { type: 'string' };
export const INT: Schema = { type: 'integer' };
export const NUMBER: Schema = { type: 'number' };
export const BOOL: Schema = { type: 'boolean' };
/** A Date in the code, an ISO 8601 string on the wire. */
export const DATE_TIME: Schema = { type: 'string', format: 'date-time' };
/** Any JSON object (free-form). */
export const OBJECT: Schema = { type: 'object' };
/** Any JSON value. */
export const ANY: Schema = {};

export function oneOf(values: readonly string[]): Schema {
  return { type: 'string', enum: [...values] };
}

export function ref(cls: () => AnyClass): () => Schema {
  return () => ({ $ref: `#/components/schemas/${cls().name}` });
}

export function arrayOf(items: SchemaSource): () => Schema {
  return () => ({ type: 'array', items: resolveSchema(items) });
}

/** An object with free keys whose values all have one schema. */
export function mapOf(values: SchemaSource): () => Schema {
  return () => ({ type: 'object', additionalProperties: resolveSchema(values) });
}

function withNull(s: Schema): Schema {
  if (Array.isArray(s.enum)) return { ...withNull({ ...s, enum: undefined }), enum: [...(s.enum as unknown[]), null] };
  if (typeof s.type === 'string') return { ...s, type: [s.type, 'null'] };
  if (Array.isArray(s.type)) return { ...s, type: [...(s.type as string[]), 'null'] };
  if (Object.keys(s).length === 0) return s;
  return { anyOf: [s, { type: 'null' }] };
}

export interface FieldOptions {
  /** The value may be null (the field is always there). */
  nullable?: boolean;
  /** The field may be absent. */
  optional?: boolean;
}

/** A response class: no field beyond the documented ones. */
export function ResponseSchema(description: string): ClassDecorator {
  return JSONSchema({ description, additionalProperties: false }) as ClassDecorator;
}

/** One field of a response class: its wire schema, a description and an example. */
export function Field(schema: SchemaSource, description: string, example: unknown, o: FieldOptions = {}): PropertyDecorator {
  return (target, key) => {
    (o.optional ? IsOptional() : Allow())(target, key as string);
    JSONSchema(() => {
      const s = resolveSchema(schema);
      return { ...(o.nullable ? withNull(s) : s), description, examples: [example] } as never;
    })(target, key as string);
  };
}

/** Compile-time: true when T and U have exactly the same keys (a response class and the row it shows). */
export type SameKeys<T, U> = [Exclude<keyof T, keyof U>, Exclude<keyof U, keyof T>] extends [never, never] ? true : false;

/** Example values shared by the response classes. */
export const EX = {
  id: '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10',
  id2: '0b8e2f5a-61c4-4d2e-9f0a-3c5d7e9f1a2b',
  at: '2026-03-02T14:05:00.000Z',
  phone: '+14155552671',
} as const;
