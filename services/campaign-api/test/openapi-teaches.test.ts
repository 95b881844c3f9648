import { buildOpenApi } from '../src/openapi/openapi';

type Schema = Record<string, any>;

/** Issue 13: the OpenAPI document teaches — each route its own errors, every request field described, tags in a user's order. */
describe('an OpenAPI document that teaches', () => {
  const doc = buildOpenApi() as { tags: Array<{ name: string; description?: string }>; paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method} ${path}`, op })));
  const examples = (op: Schema, status: number): Array<{ code: string; message: string }> =>
    Object.values((op.responses[String(status)]?.content?.['application/json']?.examples ?? {}) as Record<string, { value: { error: { code: string; message: string } } }>)
      .map((e) => e.value.error);
  const refName = (s: Schema | undefined): string | undefined => (typeof s?.$ref === 'string' ? (s.$ref as string).split('/').pop() : undefined);

  it('when the document is read, then its tags follow a user\'s path and every operation\'s tag is listed with a description', () => {
    expect(doc.tags.map((t) => t.name)).toEqual(
      ['Provider connections', 'Campaigns', 'Leads', 'Imports', 'Calls', 'Stats', 'DNC', 'Users', 'Sessions', 'Tenant', 'Webhooks', 'API keys', 'Audit']);
    for (const t of doc.tags) expect({ tag: t.name, described: Boolean(t.description) }).toEqual({ tag: t.name, described: true });
    for (const { route, op } of operations) expect({ route, listed: doc.tags.some((t) => t.name === op.tags[0]) }).toEqual({ route, listed: true });
  });

  it('when a request schema is read, then every field (nested ones and query parameters too) has a description', () => {
    const seen = new Set<string>();
    const missing: string[] = [];
    const visit = (name: string | undefined): void => {
      if (!name || seen.has(name)) return;
      seen.add(name);
      const s = doc.components.schemas[name]!;
      for (const [field, p] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
        if (!p.description) missing.push(`${name}.${field}`);
        visit(refName(p));
        visit(refName(p.items));
        for (const alt of (p.anyOf ?? p.oneOf ?? []) as Schema[]) visit(refName(alt));
      }
    };
    for (const { route, op } of operations) {
      const schema = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      visit(refName(schema));
      for (const alt of (schema?.oneOf ?? []) as Schema[]) visit(refName(alt));
      for (const p of op.parameters as Schema[]) if (p.in === 'query' && !p.description) missing.push(`${route} ?${p.name as string}`);
    }
    expect(missing).toEqual([]);
  });

  it('when a route can answer 409, then its examples are its own conflicts, not every conflict of the API', () => {
    const codes = (route: string): string[] => {
      const [method, path] = route.split(' ');
      return examples(doc.paths[path!]![method!]!, 409).map((e) => e.code).sort();
    };
    expect(codes('post /v1/users/invitations')).toEqual(['user_exists']);
    expect(codes('patch /v1/users/{id}')).toEqual(['last_admin']);
    expect(codes('delete /v1/campaigns/{id}')).toEqual(['invalid_state']);
    expect(codes('post /v1/campaigns/{id}/leads')).toEqual(['invalid_state']);
    expect(codes('post /v1/api-keys/{id}/revoke')).toEqual(['invalid_state']);
    const all = new Set(operations.flatMap(({ op }) => examples(op, 409).map((e) => e.code)));
    for (const { route, op } of operations) {
      const mine = examples(op, 409).map((e) => e.code);
      if (mine.length) expect({ route, generic: mine.length === all.size }).toEqual({ route, generic: false });
    }
  });

  it('when a route takes a JSON body, then its 400 example names a field of that body', () => {
    for (const { route, op } of operations) {
      const schema = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      if (!schema) continue;
      const names = [refName(schema), ...((schema.oneOf ?? []) as Schema[]).map(refName)].filter(Boolean) as string[];
      const fields = names.flatMap((n) => Object.keys(doc.components.schemas[n]!.properties ?? {}));
      const messages = examples(op, 400).map((e) => e.message);
      expect({ route, namesItsField: messages.some((m) => fields.some((f) => m.includes(f))) }).toEqual({ route, namesItsField: true });
    }
  });

  it('when a route refuses a media type, then its 415 example says what to send', () => {
    expect(examples(doc.paths['/v1/campaigns/{id}/leads/csv']!.post!, 415).map((e) => e.message).join(' ')).toContain('/imports');
    expect(examples(doc.paths['/v1/campaigns/{id}/imports']!.post!, 415).map((e) => e.message).join(' ')).toContain('multipart/form-data');
  });
});
