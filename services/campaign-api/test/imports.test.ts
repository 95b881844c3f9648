import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLeadCounts } from '@dialer/db';
import { createLogger } from '@dialer/platform';
import { eventually } from '@dialer/testing';
import { ImportRunner } from '../src/imports/import-runner';
import type { ImportDetail } from '../src/imports/import.dto';
import { createCampaign, startApi, type Api } from './helpers';

const BATCH = 3;

type Job = ImportDetail;

describe('lead imports (multipart, asynchronous)', () => {
  let api: Api;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'imports-test-'));
    api = await startApi('imports', { IMPORT_DIR: dir, IMPORT_BATCH_ROWS: String(BATCH), IMPORT_MAX_BYTES: '20000', IMPORT_POLL_MS: '50', IMPORT_STALE_MS: '500' });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const upload = (campaignId: string, body: string | Buffer, opts: { mapping?: object; preview?: boolean; filename?: string } = {}) => {
    const req = api.http.post(`/v1/campaigns/${campaignId}/imports${opts.preview ? '?preview=true' : ''}`).set(api.auth());
    if (opts.mapping) req.field('mapping', JSON.stringify(opts.mapping));
    return req.attach('file', Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), { filename: opts.filename ?? 'leads.csv', contentType: 'text/csv' });
  };

  const finished = async (id: string): Promise<Job> => eventually(async () => {
    const r = await api.http.get(`/v1/imports/${id}`).set(api.auth());
    return ['completed', 'failed', 'cancelled'].includes(r.body.status as string) ? (r.body as Job) : undefined;
  }, { timeoutMs: 30_000, intervalMs: 25, what: `import ${id} finished` });

  const leadsOf = async (campaignId: string) => api.ctx.ds.query(
    `SELECT phone_e164, first_name, last_name, timezones, custom FROM leads WHERE campaign_id = $1 ORDER BY phone_e164`, [campaignId]) as Promise<
    Array<{ phone_e164: string; first_name: string | null; last_name: string | null; timezones: string[]; custom: Record<string, string> }>>;

  it('when a messy file is imported, then every case is counted exactly with its row, column and reason', async () => {
    const c = await createCampaign(api, { name: 'messy', defaultCountry: 'US' });
    const long = 'x'.repeat(10_001);
    const csv = [
      'Mobile;Full Name;;Notes;Notes;State',                // semicolons, an empty and a duplicate header
      '(415) 555-2671;Ada Lovelace;a;"has ; and ""quotes""";n1;NY',  // 1 ok (state NY wins over the number)
      '',                                                  // blank: not a row
      '611;Short Code;b;;;',                               // 2 short code
      '+1 900 555 0199;Premium;c;;;',                      // 3 premium rate
      '415.555.2671;Dup;d;;;',                             // 4 duplicate of row 1
      '212-555-0147;Too;Many;Fields;x;y;z',                // 5 too many fields
      '212-555-0148;Too Few',                              // 6 too few fields
      `212-555-0149;Long;e;${long};;`,                     // 7 very long field
      '"=HYPERLINK(""http://x"")";Formula;f;;;',           // 8 formula as phone: no digits
      '"+1 212 555 0150";"Multi\nLine";g;"line1\r\nline2";;',  // 9 ok, quoted newline
      '@bad;At;h;;;',                                      // 10 no digits
      '-5;Minus;i;;;',                                     // 11 short
      '98765 43210;India;j;;;',                            // 12 not a US number (default US): invalid
    ].join('\r\n');
    const res = await upload(c.id as string, csv);
    expect(res.status).toBe(202);
    const job = await finished(res.body.id as string);
    expect(job).toMatchObject({ status: 'completed', rowsRead: 12, accepted: 2, rejected: 9, duplicates: 1, dncSuppressed: 0, lastRow: 12 });
    expect(job.errors).toEqual([
      { row: 2, kind: 'invalid', column: 'Mobile', value: '611', reason: 'phone is a short code or too short to dial' },
      { row: 3, kind: 'invalid', column: 'Mobile', value: '+1 900 555 0199', reason: 'phone is a non-dialable premium rate number' },
      // Row 1 is in an earlier batch (batches of 3 rows here): the report cannot name it, only say so.
      { row: 4, kind: 'duplicate', column: 'Mobile', value: '415.555.2671', reason: 'duplicate: the same number is on an earlier row of this file' },
      { row: 5, kind: 'invalid', column: '', reason: 'the row has 7 fields, the header has 6' },
      { row: 6, kind: 'invalid', column: '', reason: 'the row has 2 fields, the header has 6' },
      { row: 7, kind: 'invalid', column: 'Notes', value: `${'x'.repeat(100)}…`, reason: 'the value is longer than 10000 characters' },
      { row: 8, kind: 'invalid', column: 'Mobile', value: '=HYPERLINK("http://x")', reason: 'phone has no digits' },
      { row: 10, kind: 'invalid', column: 'Mobile', value: '@bad', reason: 'phone has no digits' },
      { row: 11, kind: 'invalid', column: 'Mobile', value: '-5', reason: 'phone could not be parsed' },
      { row: 12, kind: 'invalid', column: 'Mobile', value: '98765 43210', reason: 'phone is not a valid US number; add the country code or set defaultCountry' },
    ]);
    expect(await leadsOf(c.id as string)).toEqual([
      { phone_e164: '+12125550150', first_name: 'Multi', last_name: 'Line', timezones: ['America/New_York'], custom: { column_3: 'g', Notes: 'line1\r\nline2', Notes_2: '' } },
      { phone_e164: '+14155552671', first_name: 'Ada', last_name: 'Lovelace', timezones: ['America/New_York'], custom: { column_3: 'a', Notes: 'has ; and "quotes"', Notes_2: 'n1' } },
    ]);
    const stats = await api.http.get(`/v1/campaigns/${c.id as string}/stats`).set(api.auth());
    expect(stats.body.totalLeads).toBe(2);

    // The report: every row that is not a lead; values that would run as formulas are neutralised.
    const report = await api.http.get(`/v1/imports/${job.id}/errors.csv`).set(api.auth()).buffer(true).parse((r, cb) => {
      let t = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => (t += d));
      r.on('end', () => cb(null, t));
    });
    expect(report.status).toBe(200);
    expect(report.headers['content-type']).toMatch(/text\/csv/);
    const lines = (report.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe('row,column,value,reason,kind');
    expect(lines).toHaveLength(11);
    expect(lines[3]).toBe('4,Mobile,415.555.2671,duplicate: the same number is on an earlier row of this file,duplicate');
    expect(lines[7]).toBe(`8,Mobile,"'=HYPERLINK(""http://x"")",phone has no digits,invalid`);
    expect(lines[8]).toBe(`10,Mobile,'@bad,phone has no digits,invalid`);
    expect(lines[9]).toBe(`11,Mobile,'-5,phone could not be parsed,invalid`);
    expect(readdirSync(dir)).toEqual([]); // the stored upload is removed once imported
  });

  it('when the file is UTF-16 with a BOM or UTF-8 with a BOM and tabs, then it is decoded; a binary file is refused', async () => {
    const c = await createCampaign(api, { name: 'encodings' });
    const text = 'phone\tname\tcity\r\n+14155552001\tJosé\tSão Paulo\r\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const r1 = await upload(c.id as string, utf16);
    expect(r1.status).toBe(202);
    expect(r1.body).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', mapping: { phone: 'phone', name: 'name' } });
    expect(await finished(r1.body.id as string)).toMatchObject({ status: 'completed', accepted: 1 });
    const r2 = await upload(c.id as string, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace('2001', '2002'), 'utf8')]));
    expect(await finished(r2.body.id as string)).toMatchObject({ status: 'completed', accepted: 1 });
    const leads = await leadsOf(c.id as string);
    expect(leads.map((l) => [l.first_name, l.custom.city])).toEqual([['José', 'São Paulo'], ['José', 'São Paulo']]);

    const bin = await upload(c.id as string, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]));
    expect(bin.status).toBe(400);
    expect(bin.body.error.code).toBe('unsupported_encoding');
  });

  it('when an explicit mapping is given, then it is used and unmapped columns become custom variables', async () => {
    const c = await createCampaign(api, { name: 'mapping', defaultCountry: 'IN' });
    const csv = 'Contact No,Customer,Zone,Budget\n98765 43210,Ravi Kumar,Asia/Kolkata,50L\n';
    const res = await upload(c.id as string, csv, { mapping: { phone: 'Contact No', name: 'Customer', timezone: 'Zone' } });
    expect(res.status).toBe(202);
    expect(await finished(res.body.id as string)).toMatchObject({ status: 'completed', accepted: 1 });
    expect(await leadsOf(c.id as string)).toEqual([
      { phone_e164: '+919876543210', first_name: 'Ravi', last_name: 'Kumar', timezones: ['Asia/Kolkata'], custom: { Budget: '50L' } },
    ]);
    const bad = await upload(c.id as string, csv, { mapping: { phone: 'Mobile' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_mapping');
    expect((await api.http.get(`/v1/imports/${bad.body.error.details.importId as string}`).set(api.auth())).body.status).toBe('failed');
  });

  it('when previewing, then delimiter, encoding, headers, mapping, samples and errors come back and nothing is written', async () => {
    const c = await createCampaign(api, { name: 'preview' });
    const before = await api.ctx.ds.query(`SELECT (SELECT count(*) FROM import_jobs)::int AS jobs, (SELECT count(*) FROM leads)::int AS leads`);
    const csv = 'Phone;First Name;ZIP;Plan\n(415) 555-2671;Ada;10001;gold\n12;Bad;;\n';
    const res = await upload(c.id as string, csv, { preview: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      preview: true, encoding: 'utf-8', delimiter: ';', headers: ['Phone', 'First Name', 'ZIP', 'Plan'],
      suggestedMapping: { phone: 'Phone', firstName: 'First Name', postalCode: 'ZIP' }, customColumns: ['Plan'],
      sampleRows: [{ row: 1, phoneE164: '+14155552671', firstName: 'Ada', timezones: ['America/New_York'], custom: { Plan: 'gold' } }],
      sampleErrors: [{ row: 2, kind: 'invalid', column: 'Phone', value: '12', reason: 'phone is a short code or too short to dial' }],
    });
    const after = await api.ctx.ds.query(`SELECT (SELECT count(*) FROM import_jobs)::int AS jobs, (SELECT count(*) FROM leads)::int AS leads`);
    expect(after).toEqual(before);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('when numbers are already in the campaign or on a DNC list, then they are not imported and the report says why', async () => {
    const c = await createCampaign(api, { name: 'dedupe dnc' });
    const existing = await api.http.post(`/v1/campaigns/${c.id as string}/leads`).set(api.auth()).send({ leads: [{ phone: '+14155553001' }] });
    expect(existing.status).toBe(201);
    expect((await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+14155553002' })).status).toBe(201);
    expect((await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+14155553003', campaignId: c.id })).status).toBe(201);
    // Another campaign's list does not apply here: row 4 is imported.
    const other = await createCampaign(api, { name: 'other list' });
    expect((await api.http.post('/v1/dnc').set(api.auth()).send({ phone: '+14155553004', campaignId: other.id })).status).toBe(201);
    // Batches of 3: rows 1-3, then 4-6. Row 6 repeats row 4 (same batch), row 5 repeats DNC row 2 (DNC again).
    const csv = ['phone', '+14155553001', '+14155553002', '+14155553003', '+14155553004', '+14155553002', '(415) 555-3004'].join('\n');
    const res = await upload(c.id as string, csv);
    const job = await finished(res.body.id as string);
    expect(job).toMatchObject({ status: 'completed', rowsRead: 6, accepted: 1, duplicates: 2, dncSuppressed: 3, rejected: 0 });
    expect(job.errors.map((e) => [e.row, e.reason])).toEqual([
      [1, 'duplicate: the number is already a lead of this campaign'],
      [2, 'the number is on the do-not-call list'],
      [3, 'the number is on the do-not-call list'],
      [5, 'the number is on the do-not-call list'],
      [6, 'duplicate: the same number is on row 4'],
    ]);
    const stats = await api.http.get(`/v1/campaigns/${c.id as string}/stats`).set(api.auth());
    expect(stats.body).toMatchObject({ totalLeads: 2, dncSuppressed: 3 });
  });

  it('when the upload is over IMPORT_MAX_BYTES, then 413 and nothing is kept', async () => {
    const c = await createCampaign(api, { name: 'too big' });
    const res = await upload(c.id as string, `phone\n${'+14155550000\n'.repeat(2000)}`);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('when imports are listed and one is cancelled, then the list has them and a finished one cannot be cancelled', async () => {
    const c = await createCampaign(api, { name: 'list' });
    const res = await upload(c.id as string, 'phone\n+14155554001\n');
    await finished(res.body.id as string);
    const list = await api.http.get(`/v1/campaigns/${c.id as string}/imports`).set(api.auth());
    expect(list.body.data.map((j: Job) => j.id)).toEqual([res.body.id]);
    const cancel = await api.http.post(`/v1/imports/${res.body.id as string}/cancel`).set(api.auth());
    expect(cancel.status).toBe(409);
    const template = await api.http.get('/v1/imports/template.csv').set(api.auth());
    expect(template.status).toBe(200);
    expect(template.text.split('\r\n')[0]).toBe('phone,first_name,last_name,email,timezone,state,postal_code,country,property_id,budget');
  });

  it('when a CSV is previewed before any campaign exists, then the preview uses the given country and writes nothing', async () => {
    const before = await api.ctx.ds.query(`SELECT (SELECT count(*) FROM import_jobs)::int AS jobs, (SELECT count(*) FROM leads)::int AS leads`);
    const file = Buffer.from('Mobile,Name\n9876543210,Asha\n12,Bad\n');
    const res = await api.http.post('/v1/imports/preview?defaultCountry=IN').set(api.auth()).attach('file', file, { filename: 'in.csv', contentType: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.body.sampleRows.map((r: { phoneE164: string }) => r.phoneE164)).toEqual(['+919876543210']);
    expect(res.body.sampleErrors).toHaveLength(1);
    expect(res.body.mapping.phone).toBe('Mobile');
    const bad = await api.http.post('/v1/imports/preview?defaultCountry=India').set(api.auth()).attach('file', file, { filename: 'in.csv', contentType: 'text/csv' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('defaultCountry');
    const json = await api.http.post('/v1/imports/preview').set(api.auth()).send({ file: 'x' });
    expect(json.status).toBe(415);
    expect(await api.ctx.ds.query(`SELECT (SELECT count(*) FROM import_jobs)::int AS jobs, (SELECT count(*) FROM leads)::int AS leads`)).toEqual(before);
  });});

describe('a killed import', () => {
  let api: Api;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'imports-kill-'));
    api = await startApi('importkill', { IMPORT_DIR: dir, IMPORT_BATCH_ROWS: String(BATCH), IMPORT_POLL_MS: '50', IMPORT_STALE_MS: '300' });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the run dies inside its third batch, then only two whole batches remain, and a resume finishes without duplicates', async () => {
    const c = await createCampaign(api, { name: 'killed' });
    // 10 rows, one repeated: batches of 3 rows → 4 batches.
    const rows = ['phone', ...Array.from({ length: 9 }, (_, i) => `+1415555${String(5000 + i)}`), '+14155555001'];
    const csvText = `${rows.join('\n')}\n`;

    // Stop the service's own runner so the failing one below is the only one working.
    await api.svc.stop();
    const logger = createLogger({ service: 'import-kill-test', level: 'silent' });
    const failing = new ImportRunner({
      ds: api.ctx.ds, logger, dir, batchRows: BATCH, workers: 1, staleMs: 300, pollMs: 50, maxClaims: 5,
      beforeCommit: (batchNo) => {
        if (batchNo === 3) throw new Error('simulated crash inside batch 3');
      },
    });
    await failing.start();
    const { createUploadJob, finalizeUpload } = await import('../src/imports/receive-upload');
    const { writeFileSync } = await import('node:fs');
    const job = await createUploadJob(api.ctx.ds, failing, { tenantId: api.tenant.tenantId, campaignId: c.id as string, filename: 'k.csv' });
    writeFileSync(job.filePath, csvText);
    const claimed = await finalizeUpload(api.ctx.ds, { id: job.id, filePath: job.filePath, bytes: csvText.length, mapping: null, defaultCountry: 'US', claim: true });
    const outcome = await failing.run(claimed);
    await failing.stop();
    expect(outcome.status).toBe('failed');

    const mid: Array<{ status: string; last_row: number; rows_read: number; accepted: number }> = await api.ctx.ds.query(
      `SELECT status, last_row, rows_read, accepted FROM import_jobs WHERE id = $1`, [job.id]);
    expect(mid[0]).toMatchObject({ status: 'failed', last_row: 6, rows_read: 6, accepted: 6 });
    const n1: Array<{ n: number }> = await api.ctx.ds.query(`SELECT count(*)::int AS n FROM leads WHERE campaign_id = $1`, [c.id]);
    expect(n1[0]!.n).toBe(6);

    // Simulate the process dying while running: status running with an old heartbeat. A fresh start resumes it.
    await api.ctx.ds.query(`UPDATE import_jobs SET status = 'running', heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [job.id]);
    const restarted = new ImportRunner({ ds: api.ctx.ds, logger, dir, batchRows: BATCH, workers: 0, staleMs: 300, pollMs: 50, maxClaims: 5 });
    await restarted.start();
    try {
      const done = await eventually(async () => {
        const r: Array<{ status: string; rows_read: number; accepted: number; duplicates: number; last_row: number }> = await api.ctx.ds.query(
          `SELECT status, rows_read, accepted, duplicates, last_row FROM import_jobs WHERE id = $1`, [job.id]);
        return r[0]?.status === 'completed' ? r[0] : undefined;
      }, { timeoutMs: 20_000, intervalMs: 25 });
      expect(done).toMatchObject({ rows_read: 10, accepted: 9, duplicates: 1, last_row: 10 });
    } finally {
      await restarted.stop();
    }
    const leads: Array<{ phone_e164: string; n: number }> = await api.ctx.ds.query(
      `SELECT phone_e164, count(*)::int AS n FROM leads WHERE campaign_id = $1 GROUP BY phone_e164`, [c.id]);
    expect(leads).toHaveLength(9);
    expect(leads.every((l) => l.n === 1)).toBe(true);
    expect((await readLeadCounts(api.ctx.ds, api.tenant.tenantId, c.id as string)).total).toBe(9);
    const report: Array<{ row_no: number; reason: string }> = await api.ctx.ds.query(`SELECT row_no, reason FROM import_errors WHERE import_id = $1`, [job.id]);
    expect(report).toEqual([{ row_no: 10, reason: 'duplicate: the same number is on an earlier row of this file' }]);
  });

});
