import { JSONSchema } from 'class-validator-jsonschema';

/**
 * A request field's description (and an example) in the OpenAPI document: JSDoc comments do not
 * reach it, this does. Every field of a request DTO carries one (test/openapi-teaches.test.ts).
 */
export function Doc(description: string, example?: unknown): PropertyDecorator {
  return JSONSchema({ description, ...(example !== undefined ? { examples: [example] } : {}) }) as PropertyDecorator;
}
