import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { OUTBOUND_EVENT_TYPES, TEST_EVENT_TYPE } from '@dialer/domain';
import { buildOpenApi } from '../src/openapi/openapi';

type Schema = Record<string, any>;

describe('the OpenAPI document\'s webhooks section (outbound events)', () => {
  const doc = buildOpenApi() as { webhooks: Record<string, Schema>; components: { schemas: Record<string, Schema> } };

  it('when the document is read, then every event type has an entry with the signature headers, and each example matches its envelope schema', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...OUTBOUND_EVENT_TYPES, TEST_EVENT_TYPE].sort());
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: 'https://dialer.test/openapi.json', components: doc.components });
    for (const [type, entry] of Object.entries(doc.webhooks)) {
      const op = entry.post as Schema;
      expect({ type, headers: (op.parameters as Schema[]).map((p) => p.name) }).toEqual({ type, headers: ['webhook-id', 'webhook-timestamp', 'webhook-signature'] });
      const media = op.requestBody.content['application/json'] as Schema;
      const validate = ajv.getSchema(`https://dialer.test/openapi.json${media.schema.$ref as string}`)!;
      expect({ type, errors: validate(media.example) ? [] : validate.errors }).toEqual({ type, errors: [] });
      expect(validate({ ...media.example, type: 'something.else' })).toBe(false);
      expect(media.example.type).toBe(type);
    }
  });
});
