import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkLeadSchema, compileLeadSchema, exampleValue, leadValueText, parseLeadFilter, type FieldIssue, type LeadSchema } from '@dialer/domain';

const RESERVED = ['phone', 'name', 'email', 'first_name'];
const realEstate = JSON.parse(readFileSync(path.join(__dirname, '../../../test/fixtures/real-estate/schema.json'), 'utf8')) as unknown;

function schemaOf(raw: unknown): LeadSchema {
  const r = checkLeadSchema(raw, RESERVED);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.schema;
}

function run(schema: LeadSchema, raw: Record<string, unknown>): { out: Record<string, unknown>; issues: FieldIssue[] } {
  const out: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  compileLeadSchema(schema).apply(raw, out, issues);
  return { out, issues };
}

describe('checkLeadSchema: a schema is refused with every problem and where it is', () => {
  const problemsOf = (raw: unknown): string[] => {
    const r = checkLeadSchema(raw, RESERVED);
    return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.reason}`);
  };

  it('when the real-estate schema is checked, then it passes', () => {
    expect(checkLeadSchema(realEstate, RESERVED).ok).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['an unknown type', { fields: [{ name: 'a', type: 'money' }] }, 'fields[0].type: unknown type "money"'],
    ['min greater than max', { fields: [{ name: 'a', type: 'number', min: 5, max: 1 }] }, 'fields[0].min: the minimum (5) is greater than the maximum (1)'],
    ['a bad regular expression', { fields: [{ name: 'a', type: 'text', pattern: '([a-z' }] }, 'fields[0].pattern: is not a valid regular expression'],
    ['a default its own field refuses', { fields: [{ name: 'a', type: 'number', exclusiveMin: 0, default: -1 }] }, 'fields[0].default: the default is not valid for the field itself: a must be greater than 0'],
    ['a duplicate name', { fields: [{ name: 'a', type: 'text' }, { name: 'A', type: 'number' }] }, 'fields[1].name: "A" is declared twice (also fields[0])'],
    ['a built-in column', { fields: [{ name: 'phone', type: 'text' }] }, 'fields[0].name: "phone" is a built-in lead column'],
    ['an enum without values', { fields: [{ name: 'a', type: 'enum' }] }, 'fields[0].values: an enum needs values'],
    ['a constraint of another type', { fields: [{ name: 'a', type: 'boolean', maxLength: 3 }] }, 'fields[0].maxLength: maxLength applies to text, email, url and tags fields, not boolean'],
    ['an unknown key', { fields: [{ name: 'a', type: 'text', colour: 'red' }] }, 'fields[0].colour: unknown key "colour"'],
    ['a built-in that cannot be required', { require: ['phone'], fields: [] }, 'require[0]: "phone" is not a built-in field'],
  ])('when it has %s, then the problem names it', (_what, raw, expected) => {
    expect(problemsOf(raw).join('\n')).toContain(expected);
  });

  it('when a default is valid, then it is stored typed', () => {
    expect(schemaOf({ fields: [{ name: 'n', type: 'integer', default: '7' }] }).fields[0]!.default).toBe(7);
  });
});

describe('a compiled schema types and checks a lead\'s values', () => {
  const schema = schemaOf(realEstate);

  it('when a real-estate row is valid, then its values are stored typed (upper case, number, enum, list)', () => {
    expect(run(schema, { property_type: ' 2bhk ', location: 'Bandra', budget: '7500000', source: 'Website', tags: 'investor, first-time,' })).toEqual({
      out: { property_type: '2BHK', location: 'Bandra', budget: 7500000, source: 'website', tags: ['investor', 'first-time'] }, issues: [],
    });
  });

  it('when a row is bad in several ways, then every problem is reported', () => {
    expect(run(schema, { property_type: '2BHK', budget: '-5', source: 'billboard' }).issues).toEqual([
      { field: 'location', reason: 'location is required' },
      { field: 'budget', value: '-5', reason: 'budget must be greater than 0' },
      { field: 'source', value: 'billboard', reason: 'source must be one of website, referral, advertisement, partner' },
    ]);
  });

  it.each<[string, Record<string, unknown>, unknown]>([
    ['integer', { type: 'integer' }, 12],
    ['number with Indian grouping', { type: 'number' }, 5000000],
    ['boolean', { type: 'boolean' }, true],
    ['date', { type: 'date' }, '2026-02-28'],
    ['url', { type: 'url' }, 'https://example.com/x'],
    ['email lower-cased', { type: 'email', case: 'lower' }, 'a@example.com'],
  ])('when a %s is read from text, then it is typed', (_t, spec, expected) => {
    const input: Record<string, string> = {
      integer: '12', number: '50,00,000', boolean: 'Yes', date: '2026-02-28', url: 'https://example.com/x', email: 'A@Example.com',
    };
    const s = schemaOf({ fields: [{ name: 'v', ...spec }] });
    expect(run(s, { v: input[spec.type as string] }).out.v).toEqual(expected);
  });

  it.each<[Record<string, unknown>, string, string]>([
    [{ type: 'integer' }, '1.5', 'v must be a whole number'],
    [{ type: 'date' }, '2026-02-30', 'v must be a date YYYY-MM-DD'],
    [{ type: 'boolean' }, 'maybe', 'v must be true or false'],
    [{ type: 'url' }, 'ftp://x', 'v is not an http(s) URL'],
    [{ type: 'text', pattern: '^[A-Z]{2}$' }, 'abc', 'v does not match the pattern ^[A-Z]{2}$'],
    [{ type: 'tags', max: 1 }, 'a,b', 'v must have at most 1 items'],
    [{ type: 'text' }, 'x'.repeat(2001), 'v must be at most 2000 characters'],
  ])('when %j gets %s, then it is refused', (spec, value, reason) => {
    expect(run(schemaOf({ fields: [{ name: 'v', ...spec }] }), { v: value }).issues[0]!.reason).toContain(reason);
  });

  it('when an optional value is absent, then its default is taken; JSON values keep their types', () => {
    const s = schemaOf({ fields: [{ name: 'n', type: 'number', default: 3 }, { name: 't', type: 'tags' }] });
    expect(run(s, { t: ['a', 'b'] }).out).toEqual({ n: 3, t: ['a', 'b'] });
  });
});

describe('helpers around typed values', () => {
  const compiled = compileLeadSchema(schemaOf(realEstate));

  it('when a typed value is written as text, then lists are joined', () => {
    expect(leadValueText(['investor', 'nri'])).toBe('investor, nri');
    expect(leadValueText(5000000)).toBe('5000000');
  });

  it('when example values are generated, then each passes its own field', () => {
    for (const f of compiled.fields) expect(f.parse(exampleValue(f.spec))).toEqual(expect.objectContaining({ ok: true }));
  });

  it.each<[string, unknown]>([
    ['budget>=5000000', { field: 'budget', type: 'number', op: '>=', value: 5000000 }],
    ['property_type=2bhk', { field: 'property_type', type: 'text', op: '=', value: '2BHK' }],
    ['tags contains investor', { field: 'tags', type: 'tags', op: 'contains', value: 'investor' }],
    ['budget<0', { field: 'budget', type: 'number', op: '<', value: 0 }],
  ])('when the filter %s is parsed, then it is typed', (expr, filter) => {
    expect(parseLeadFilter(expr, compiled)).toEqual({ ok: true, filter });
  });

  it.each<[string, string]>([
    ['colour=red', '"colour" is not a field of the campaign\'s lead schema'],
    ['budget>=lots', 'the filter on budget (a number field): budget must be a number'],
    ['source>website', 'source is an enum field: its filters use =, !=, not >'],
    ['budget', 'is not a filter'],
  ])('when the filter %s is parsed, then it is refused saying why', (expr, reason) => {
    const r = parseLeadFilter(expr, compiled);
    expect(r.ok ? '' : r.reason).toContain(reason);
  });
});
