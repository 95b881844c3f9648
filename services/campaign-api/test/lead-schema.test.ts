import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createLogger } from '@dialer/platform';
import { eventually } from '@dialer/testing';
import { resolveMapping } from '../src/imports/column-mapping';
import { CsvParser } from '../src/imports/csv-parser';
import { PreparePool } from '../src/imports/prepare-pool';
import { prepareBatch, type NumberedRecord, type PrepareContext } from '../src/imports/prepare-rows';
import { createCampaign, startApi, type Api } from './helpers';

const FIXTURE = path.join(__dirname, '../../../test/fixtures/real-estate');
const SCHEMA = JSON.parse(readFileSync(path.join(FIXTURE, 'schema.json'), 'utf8')) as Record<string, unknown>;
const SAMPLE = readFileSync(path.join(FIXTURE, 'leads.csv'), 'utf8');
/** The sample's header and three bad rows: a negative budget, an unknown source, a missing location (rows 11-13). */
const BAD_ROWS = [
  'Rohan Das,+91 98765 43220,,2bhk,Baner,-5,website,',
  'Isha Kapoor,+91 98765 43221,,3bhk,Hadapsar,6000000,billboard,',
  'Nikhil Rao,+91 98765 43222,,villa,,9000000,partner,',
].join('\n');

describe('typed lead fields per campaign (a lead schema)', () => {
  let api: Api;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lead-schema-test-'));
    api = await startApi('lead_schema', { IMPORT_DIR: dir, IMPORT_POLL_MS: '50' });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const realEstate = () => createCampaign(api, { name: 'real estate', defaultCountry: 'IN', leadSchema: SCHEMA });
  const customs = async (campaignId: string) => (await api.ctx.ds.query(
    `SELECT phone_e164, first_name, custom FROM leads WHERE campaign_id = $1 ORDER BY phone_e164`, [campaignId])) as Array<{ phone_e164: string; first_name: string; custom: Record<string, unknown> }>;

  it('when a schema is bad, then the campaign is refused with every problem and where it is, and nothing is created', async () => {
    const before = await api.ctx.ds.query(`SELECT count(*)::int AS n FROM campaigns`);
    const res = await api.http.post('/v1/campaigns').set(api.auth()).send({
      name: 'bad', leadSchema: {
        fields: [
          { name: 'budget', type: 'money' },
          { name: 'area', type: 'number', min: 10, max: 1 },
          { name: 'code', type: 'text', pattern: '([' },
          { name: 'source', type: 'enum', values: ['web'], default: 'tv' },
          { name: 'area', type: 'integer' },
          { name: 'phone', type: 'text' },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'leadSchema.fields[0].type', 'leadSchema.fields[1].min', 'leadSchema.fields[2].pattern', 'leadSchema.fields[3].default',
      'leadSchema.fields[4].name', 'leadSchema.fields[5].name',
    ]);
    expect(res.body.error.message).toContain('unknown type "money"');
    expect(await api.ctx.ds.query(`SELECT count(*)::int AS n FROM campaigns`)).toEqual(before);
  });

  it('when the real-estate CSV and bad rows are imported synchronously, then valid rows are stored typed and each bad row reports its column, value and reason', async () => {
    const c = await realEstate();
    expect(c.leadSchema.fields.map((f: { name: string }) => f.name)).toEqual(['property_type', 'location', 'budget', 'source', 'tags']);
    const res = await api.http.post(`/v1/campaigns/${c.id}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send(`${SAMPLE.trimEnd()}\n${BAD_ROWS}\n`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ rowsRead: 13, accepted: 10, rejected: 3 });
    expect(res.body.errors).toEqual([
      { row: 11, kind: 'invalid', column: 'budget', value: '-5', reason: 'budget must be greater than 0' },
      { row: 12, kind: 'invalid', column: 'source', value: 'billboard', reason: 'source must be one of website, referral, advertisement, partner' },
      { row: 13, kind: 'invalid', column: 'location', reason: 'location is required' },
    ]);
    const leads = await customs(c.id);
    const rahul = leads.find((l) => l.first_name === 'Rahul')!;
    expect(rahul.custom).toEqual({ property_type: '2BHK', location: 'Bandra West', budget: 7500000, source: 'website', tags: ['investor', 'first-time'] });
    expect(leads.find((l) => l.first_name === 'Ananya')!.custom.source).toBe('referral');
    expect(leads.find((l) => l.first_name === 'Meera')!.custom).not.toHaveProperty('budget');
  });

  it('when the multipart import runs, then it validates the same way; its preview shows the schema mapping and the missing required fields', async () => {
    const c = await realEstate();
    const preview = await api.http.post(`/v1/campaigns/${c.id}/imports?preview=true`).set(api.auth())
      .attach('file', Buffer.from('Name,Mobile,Property Type,Budget\nA B,+91 98765 43230,2bhk,abc\n'), { filename: 'x.csv', contentType: 'text/csv' });
    expect(preview.status).toBe(200);
    expect(preview.body.schemaMapping).toEqual({
      fields: [
        { field: 'property_type', type: 'text', required: true, column: 'Property Type' },
        { field: 'location', type: 'text', required: true, column: null },
        { field: 'budget', type: 'number', required: false, column: 'Budget' },
        { field: 'source', type: 'enum', required: false, column: null },
        { field: 'tags', type: 'tags', required: false, column: null },
      ],
      missingRequired: ['location'],
    });
    expect(preview.body.sampleErrors).toEqual([
      { row: 1, kind: 'invalid', column: 'location, Budget', reason: 'location is required; budget must be a number' },
    ]);

    const up = await api.http.post(`/v1/campaigns/${c.id}/imports`).set(api.auth())
      .attach('file', Buffer.from(`${SAMPLE.trimEnd()}\n${BAD_ROWS}\n`), { filename: 're.csv', contentType: 'text/csv' });
    expect(up.status).toBe(202);
    const job = await eventually(async () => {
      const r = await api.http.get(`/v1/imports/${up.body.id as string}`).set(api.auth());
      return r.body.status === 'completed' ? r.body : undefined;
    }, { timeoutMs: 20_000, intervalMs: 50, what: 'import completed' });
    expect(job).toMatchObject({ accepted: 10, rejected: 3 });
    expect(job.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([[11, 'budget'], [12, 'source'], [13, 'location']]);
    expect((await customs(c.id)).find((l) => l.first_name === 'Vikram')!.custom.property_type).toBe('PENTHOUSE');
  });

  it('when the template is asked, then it has the schema\'s columns and its sample row imports back with no rejection', async () => {
    const c = await realEstate();
    const t = await api.http.get(`/v1/campaigns/${c.id}/leads/template.csv`).set(api.auth());
    expect(t.status).toBe(200);
    expect(t.text.split('\r\n')[0]).toBe('phone,name,email,property_type,location,budget,source,tags');
    const back = await api.http.post(`/v1/campaigns/${c.id}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send(t.text);
    expect(back.body).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it('when JSON leads are added, then typed values are kept, text is typed, and every problem of a lead is reported', async () => {
    const c = await realEstate();
    const res = await api.http.post(`/v1/campaigns/${c.id}/leads`).set(api.auth()).send({
      leads: [
        { phone: '+91 98765 43240', firstName: 'Ok', custom: { property_type: '1bhk', location: 'Aundh', budget: 4000000, tags: ['nri'], note: 'free text' } },
        { phone: '+91 98765 43241', custom: { property_type: '1bhk', budget: 'lots', source: 'tv' } },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([
      { index: 1, field: 'custom.location', reason: 'location is required' },
      { index: 1, field: 'custom.budget', value: 'lots', reason: 'budget must be a number' },
      { index: 1, field: 'custom.source', value: 'tv', reason: 'source must be one of website, referral, advertisement, partner' },
      { index: 1, field: 'name', reason: 'name is required' },
    ]);
    expect((await customs(c.id))[0]!.custom).toEqual({ property_type: '1BHK', location: 'Aundh', budget: 4000000, tags: ['nri'], note: 'free text' });
  });

  it('when a lead is edited, then the schema checks the edit (400, nothing changes) and types what it accepts', async () => {
    const c = await realEstate();
    await api.http.post(`/v1/campaigns/${c.id}/leads`).set(api.auth()).send({ leads: [{ phone: '+91 98765 43250', firstName: 'E', custom: { property_type: '2bhk', location: 'X' } }] });
    const [{ id }] = await api.ctx.ds.query(`SELECT id FROM leads WHERE campaign_id = $1`, [c.id]);
    const bad = await api.http.patch(`/v1/leads/${id as string}`).set(api.auth()).send({ custom: { property_type: '2bhk', location: 'X', budget: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('budget must be greater than 0');
    const ok = await api.http.patch(`/v1/leads/${id as string}`).set(api.auth()).send({ custom: { property_type: 'villa', location: 'X', budget: '9,000,000', tags: 'a;b' } });
    expect(ok.status).toBe(200);
    expect(ok.body.custom).toEqual({ property_type: 'VILLA', location: 'X', budget: 9000000, tags: ['a;b'] });
  });

  it('when leads are filtered by typed fields, then comparisons are typed; an unknown field or a wrong type is a 400 saying which', async () => {
    const c = await realEstate();
    await api.http.post(`/v1/campaigns/${c.id}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send(SAMPLE);
    const names = async (...filters: string[]) => {
      const q = filters.map((f) => `filter=${encodeURIComponent(f)}`).join('&');
      const r = await api.http.get(`/v1/campaigns/${c.id}/leads?${q}`).set(api.auth());
      expect(r.status).toBe(200);
      return (r.body.data as Array<{ firstName: string }>).map((l) => l.firstName).sort();
    };
    // 12000000 > 7500000 numerically (as text "12000000" < "7500000").
    expect(await names('budget>=7500000')).toEqual(['Priya', 'Rahul', 'Vikram', 'Amit'].sort());
    expect(await names('property_type=2bhk')).toEqual(['Ananya', 'Divya', 'Rahul']);
    expect(await names('tags contains investor', 'budget<10000000')).toEqual(['Divya', 'Karthik', 'Rahul']);
    expect(await names('source!=website', 'tags contains luxury')).toEqual(['Amit']);

    const unknown = await api.http.get(`/v1/campaigns/${c.id}/leads?filter=colour%3Dred`).set(api.auth());
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('"colour" is not a field of the campaign\'s lead schema');
    const wrong = await api.http.get(`/v1/campaigns/${c.id}/leads?filter=budget%3E%3Dlots`).set(api.auth());
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('budget must be a number');
  });

  it('when the schema changes while the campaign runs, then existing leads are not rewritten, the change is audited with before and after, and a clone copies it', async () => {
    const c = await realEstate();
    await api.http.post(`/v1/campaigns/${c.id}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send(SAMPLE);
    expect((await api.http.post(`/v1/campaigns/${c.id}/start`).set(api.auth())).status).toBe(200);
    const before = await customs(c.id);
    const next = { fields: [...(SCHEMA.fields as object[]), { name: 'floor', type: 'integer', required: true, default: 1 }] };
    const res = await api.http.patch(`/v1/campaigns/${c.id}`).set(api.auth()).send({ leadSchema: next });
    expect(res.status).toBe(200);
    expect(res.body.leadSchema.fields).toHaveLength(6);
    expect(await customs(c.id)).toEqual(before);
    const audit = await api.http.get(`/v1/audit-log?entityId=${c.id as string}`).set(api.auth());
    const entry = audit.body.data.find((a: { action: string; after: Record<string, unknown> }) => a.action === 'campaign.update' && 'leadSchema' in a.after);
    expect(entry.before.leadSchema.fields).toHaveLength(5);
    expect(entry.after.leadSchema.fields).toHaveLength(6);
    const clone = await api.http.post(`/v1/campaigns/${c.id}/clone`).set(api.auth()).send({});
    expect(clone.status).toBe(201);
    expect((clone.body.campaign ?? clone.body).leadSchema).toEqual(res.body.leadSchema);
    await api.http.post(`/v1/campaigns/${c.id}/stop`).set(api.auth());
  });

  it('when analytics group a campaign\'s calls by a schema field, then outcomes come per source; an unknown field is a 400', async () => {
    const c = await realEstate();
    await api.http.post(`/v1/campaigns/${c.id}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send(SAMPLE);
    const leads = await api.ctx.ds.query(`SELECT id, custom ->> 'source' AS source FROM leads WHERE campaign_id = $1`, [c.id]) as Array<{ id: string; source: string | null }>;
    for (const [i, l] of leads.entries()) {
      await api.ctx.ds.query(
        `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_call_id, status, outcome, dialed_at, ended_at)
         VALUES ($1, $2, $3, 1, 'twilio', $4, 'completed', $5, now() - interval '2 minutes', now() - interval '1 minute')`,
        [api.tenant.tenantId, c.id, l.id, `CA-an-${l.id}`, i % 2 ? 'answered' : 'busy']);
    }
    const res = await api.http.get(`/v1/analytics?groupBy=field&field=source&campaignId=${c.id as string}`).set(api.auth());
    expect(res.status).toBe(200);
    const expected = new Map<string, number>();
    for (const l of leads) expected.set(l.source ?? '(none)', (expected.get(l.source ?? '(none)') ?? 0) + 1);
    expect(Object.fromEntries(res.body.rows.map((r: { key: string; callsEnded: number }) => [r.key, r.callsEnded]))).toEqual(Object.fromEntries(expected));
    const bad = await api.http.get(`/v1/analytics?groupBy=field&field=colour&campaignId=${c.id as string}`).set(api.auth());
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('property_type, location, budget, source, tags');
  });

  it('when a schema\'d campaign is exported, then typed values are written as cells that import back (a list joined)', async () => {
    const c = await realEstate();
    await api.http.post(`/v1/campaigns/${c.id}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send(SAMPLE);
    const res = await api.http.get(`/v1/campaigns/${c.id}/leads.csv`).set(api.auth());
    expect(res.status).toBe(200);
    const rahul = res.text.split('\r\n').find((l) => l.includes('Rahul'))!;
    expect(rahul).toContain(',2BHK,');
    expect(rahul).toContain(',7500000,');
    expect(rahul).toContain('"investor, first-time"');
  });

  it('when a campaign has no schema, then custom values stay free text as before and a filter says there is no schema', async () => {
    const c = await createCampaign(api, { name: 'plain', defaultCountry: 'IN' });
    expect(c.leadSchema).toBeNull();
    const res = await api.http.post(`/v1/campaigns/${c.id}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send(`${SAMPLE.trimEnd()}\n${BAD_ROWS}\n`);
    expect(res.body).toMatchObject({ accepted: 13, rejected: 0 });
    expect((await customs(c.id)).find((l) => l.first_name === 'Rohan')!.custom).toMatchObject({ budget: '-5', property_type: '2bhk', tags: '' });
    const f = await api.http.get(`/v1/campaigns/${c.id}/leads?filter=budget%3E1`).set(api.auth());
    expect(f.status).toBe(400);
    expect(f.body.error.message).toContain('the campaign has no lead schema');
  });
});

describe('a lead schema on the import\'s worker threads', () => {
  it('when a batch is prepared on a worker thread, then the schema crosses as data and the batch equals the inline one', async () => {
    const parser = new CsvParser({ delimiter: ',', maxFieldChars: 10_000, maxFields: 1000 });
    const recs: Parameters<typeof parser.write>[1] = [];
    parser.write(`${SAMPLE.trimEnd()}\n${BAD_ROWS}\n`, recs);
    parser.end(recs);
    const [header, ...rows] = recs;
    const records: NumberedRecord[] = rows.map((rec, i) => ({ row: i + 1, rec }));
    const ctx: PrepareContext = { mapping: resolveMapping(header!.fields), defaultCountry: 'IN', leadSchema: SCHEMA as never };
    const pool = new PreparePool(1, createLogger({ service: 'lead-schema-test', level: 'silent' }));
    try {
      const onWorker = await pool.run(records, ctx);
      expect(onWorker).toEqual(prepareBatch(records, ctx));
      expect(onWorker.copy.join('')).toContain('"budget":7500000');
      expect(onWorker.copy.join('')).toContain('budget must be greater than 0');
    } finally {
      await pool.close();
    }
  });
});
