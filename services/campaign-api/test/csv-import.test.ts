import { request as httpRequest } from 'node:http';
import { createCampaign, startApi, type Api } from './helpers';

const CSV_MAX_BYTES = 4096;

function postChunked(api: Api, path: string, chunks: string[]): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${api.base}${path}`, {
      method: 'POST', headers: { ...api.auth(), 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked' },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('CSV lead import', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('csv', { CSV_MAX_BYTES: String(CSV_MAX_BYTES) });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('when a CSV has a quoted comma, an invalid phone, a duplicate and a custom column, then the counts are exact and custom is kept', async () => {
    const c = await createCampaign(api, { name: 'csv' });
    const csv = [
      'Phone Number,First Name,last_name,Email,TZ,Property Notes',
      '(415) 555-2671,Ada,Lovelace,ada@example.com,America/Los_Angeles,"3 bed, 2 bath"',
      '12345,Bad,Phone,,,',
      '',
      '415-555-2671,Dup,Licate,,,"again, dup"',
      '+1 415 555 2672,Grace,Hopper,,,plain',
    ].join('\r\n');
    const res = await api.http.post(`/v1/campaigns/${c.id as string}/leads/csv?filename=leads.csv`).set(api.auth())
      .set('Content-Type', 'text/csv').send(csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ rowsRead: 4, accepted: 2, rejected: 1, duplicates: 1, dncSuppressed: 0 });
    expect(res.body.errors).toEqual([
      { row: 2, kind: 'invalid', column: 'Phone Number', value: '12345', reason: 'phone is a short code or too short to dial' },
      { row: 3, kind: 'duplicate', column: 'Phone Number', value: '415-555-2671', reason: 'duplicate: the same number is on row 1' },
    ]);

    const leads: Array<{ phone_e164: string; first_name: string; last_name: string; timezones: string[]; custom: Record<string, string>; import_id: string }> =
      await api.ctx.ds.query(`SELECT phone_e164, first_name, last_name, timezones, custom, import_id FROM leads WHERE campaign_id = $1 ORDER BY phone_e164`, [c.id]);
    expect(leads).toEqual([
      { phone_e164: '+14155552671', first_name: 'Ada', last_name: 'Lovelace', timezones: ['America/Los_Angeles'], custom: { 'Property Notes': '3 bed, 2 bath' }, import_id: res.body.importId },
      { phone_e164: '+14155552672', first_name: 'Grace', last_name: 'Hopper', timezones: ['America/Los_Angeles'], custom: { 'Property Notes': 'plain' }, import_id: res.body.importId },
    ]);

    const job = await api.http.get(`/v1/imports/${res.body.importId as string}`).set(api.auth());
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ status: 'completed', filename: 'leads.csv', rowsRead: 4, accepted: 2, rejected: 1, duplicates: 1, errors: res.body.errors });
    const stats = await api.http.get(`/v1/campaigns/${c.id as string}/stats`).set(api.auth());
    expect(stats.body.totalLeads).toBe(2);
  });

  it('when the CSV has no phone column, then 400 names the headers found and nothing is inserted', async () => {
    const c = await createCampaign(api, { name: 'no phone' });
    const res = await api.http.post(`/v1/campaigns/${c.id as string}/leads/csv`).set(api.auth())
      .set('Content-Type', 'text/csv').send('name,city\nAda,London\n');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('missing_phone_column');
    expect(res.body.error.message).toContain('name, city');
    expect(res.body.error.details.headers).toEqual(['name', 'city']);
    const job = await api.http.get(`/v1/imports/${res.body.error.details.importId as string}`).set(api.auth());
    expect(job.body.status).toBe('failed');
  });

  it('when the CSV is larger than CSV_MAX_BYTES, then 413 and nothing is inserted', async () => {
    const c = await createCampaign(api, { name: 'too big' });
    const rows = ['phone'];
    for (let i = 0; rows.join('\n').length <= CSV_MAX_BYTES * 2; i++) rows.push(`+1415555${String(3000 + i).padStart(4, '0')}`);
    const res = await api.http.post(`/v1/campaigns/${c.id as string}/leads/csv`).set(api.auth())
      .set('Content-Type', 'text/csv').send(rows.join('\n'));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');

    // Without Content-Length the limit trips mid-stream, while the upload is stored: nothing was processed yet.
    const chunked = await postChunked(api, `/v1/campaigns/${c.id as string}/leads/csv`, rows.map((r) => `${r}\n`));
    expect(chunked.status).toBe(413);
    const n: Array<{ n: string }> = await api.ctx.ds.query(`SELECT count(*) AS n FROM leads WHERE campaign_id = $1`, [c.id]);
    expect(Number(n[0]!.n)).toBe(0);
    const stats = await api.http.get(`/v1/campaigns/${c.id as string}/stats`).set(api.auth());
    expect(stats.body.totalLeads).toBe(0);
  });

  it('when the body is not text/csv, then 415', async () => {
    const c = await createCampaign(api, { name: 'json' });
    const res = await api.http.post(`/v1/campaigns/${c.id as string}/leads/csv`).set(api.auth()).send({ phone: '1' });
    expect(res.status).toBe(415);
  });

});

describe('CSV lead import across batches', () => {
  let big: Api;
  beforeAll(async () => {
    big = await startApi('csvbig', { CSV_MAX_BYTES: '60000' });
  });
  afterAll(async () => {
    await big?.close();
  });

  const lines = (n: number): string[] => {
    const out = ['phone,segment'];
    for (let i = 0; i < n; i++) out.push(`+1415555${String(i).padStart(4, '0')},s${i % 3}`);
    return out;
  };

  it('when a CSV spans several batches, then every row is read and cross-batch duplicates are counted', async () => {
    const c = await createCampaign(big, { name: 'batches' });
    const csv = [...lines(2500), '+14155550000,dup'].join('\n');
    const res = await big.http.post(`/v1/campaigns/${c.id as string}/leads/csv`).set(big.auth())
      .set('Content-Type', 'text/csv').send(csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ rowsRead: 2501, accepted: 2500, duplicates: 1, rejected: 0 });
  });

  it('when a streamed CSV passes the limit, then 413, the upload is dropped and nothing is imported', async () => {
    const c = await createCampaign(big, { name: 'overflow' });
    const rows = lines(5000);
    expect(rows.join('\n').length).toBeGreaterThan(60000);
    const res = await postChunked(big, `/v1/campaigns/${c.id as string}/leads/csv`, rows.map((r) => `${r}\n`));
    expect(res.status).toBe(413);
    const n: Array<{ n: string }> = await big.ctx.ds.query(`SELECT count(*) AS n FROM leads WHERE campaign_id = $1`, [c.id]);
    expect(Number(n[0]!.n)).toBe(0);
    const stats = await big.http.get(`/v1/campaigns/${c.id as string}/stats`).set(big.auth());
    expect(stats.body.totalLeads).toBe(0);
    const job = await big.http.get(`/v1/imports/${res.body.error.details.importId as string}`).set(big.auth());
    expect(job.body).toMatchObject({ status: 'failed', accepted: 0 });
    expect(job.body.rowsRead).toBe(0);
    expect(job.body.error).toMatch(/larger than the limit/);
  });
});
