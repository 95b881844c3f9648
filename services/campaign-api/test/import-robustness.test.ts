import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '@dialer/testing';
import type { ImportDetail } from '../src/imports/import.dto';
import { createCampaign, startApi, type Api } from './helpers';

/**
 * What lies past the head of a file decides as much as the head: the encoding is confirmed over
 * the whole file, a NUL byte refuses the file before any row is imported (both endpoints, with the
 * import id), and no column is lost to a header name.
 */

let api: Api;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'import-robust-'));
  api = await startApi('import-robust', { IMPORT_DIR: dir, IMPORT_BATCH_ROWS: '500', IMPORT_POLL_MS: '50' });
});

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `n` ASCII rows (header included), then `tail` (raw bytes): the tail starts well past the first 4 KB. */
function fileWith(n: number, tail: Buffer, header = 'phone,first_name'): Buffer {
  const rows = [header];
  for (let i = 0; i < n; i++) rows.push(`+1202555${String(i).padStart(4, '0')},Ann${i}`);
  return Buffer.concat([Buffer.from(`${rows.join('\n')}\n`, 'latin1'), tail]);
}

const uploadMultipart = (campaignId: string, body: Buffer) => api.http.post(`/v1/campaigns/${campaignId}/imports`).set(api.auth())
  .attach('file', body, { filename: 'leads.csv', contentType: 'text/csv' });

const uploadSync = (campaignId: string, body: Buffer) => api.http.post(`/v1/campaigns/${campaignId}/leads/csv`).set(api.auth())
  .set('Content-Type', 'text/csv').send(body);

const finished = async (id: string): Promise<ImportDetail> => eventually(async () => {
  const r = await api.http.get(`/v1/imports/${id}`).set(api.auth());
  return ['completed', 'failed', 'cancelled'].includes(r.body.status as string) ? (r.body as ImportDetail) : undefined;
}, { timeoutMs: 30_000, intervalMs: 25, what: `import ${id} finished` });

const leadsOf = async (campaignId: string): Promise<Array<{ phone_e164: string; first_name: string | null; custom: Record<string, string> }>> =>
  api.ctx.ds.query(`SELECT phone_e164, first_name, custom FROM leads WHERE campaign_id = $1 ORDER BY phone_e164`, [campaignId]);

describe('imports: the whole file decides the encoding', () => {
  const zoe = Buffer.from([0x2b, 0x31, 0x34, 0x31, 0x35, 0x35, 0x35, 0x35, 0x32, 0x36, 0x37, 0x31, 0x2c, 0x5a, 0x6f, 0xeb, 0x0a]); // +14155552671,Zo\xEB (Windows-1252 ë)

  test('when Windows-1252 text comes after the first 4 KB (multipart), then it is stored as written and the import says windows-1252', async () => {
    const c = await createCampaign(api, { name: 'cp1252-late' });
    const res = await uploadMultipart(c.id as string, fileWith(300, zoe));
    expect(res.status).toBe(202);
    const job = await finished(res.body.id as string);
    expect(job).toMatchObject({ status: 'completed', accepted: 301, encoding: 'windows-1252' });
    const zoeLead = (await leadsOf(c.id as string)).find((l) => l.phone_e164 === '+14155552671');
    expect(zoeLead?.first_name).toBe('Zoë');
    expect((await leadsOf(c.id as string)).some((l) => (l.first_name ?? '').includes('\ufffd'))).toBe(false);
  });

  test('when Windows-1252 text comes after the first 4 KB (synchronous endpoint), then it is stored as written', async () => {
    const c = await createCampaign(api, { name: 'cp1252-late-sync' });
    const res = await uploadSync(c.id as string, fileWith(300, zoe));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: 301 });
    expect((await leadsOf(c.id as string)).find((l) => l.phone_e164 === '+14155552671')?.first_name).toBe('Zoë');
  });

  test('when a file mixes UTF-8 characters and Windows-1252 bytes, then it is refused naming the line, and nothing is imported', async () => {
    const c = await createCampaign(api, { name: 'mixed' });
    const head = Buffer.from('phone,first_name\n+12025550001,Zoë\n', 'utf8');
    const res = await uploadSync(c.id as string, Buffer.concat([head, fileWith(300, zoe).subarray('phone,first_name\n'.length)]));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'mixed_encoding', message: expect.stringMatching(/line 303/), details: { importId: expect.any(String) } });
    expect(await leadsOf(c.id as string)).toEqual([]);
  });

  test('when a NUL byte comes after the first 4 KB, then both endpoints refuse the file as not text naming the line, return the import id, and import nothing', async () => {
    const c = await createCampaign(api, { name: 'nul-late' });
    const file = fileWith(10_000, Buffer.from('+14155552671,Zo\u0000e\n', 'latin1'));
    const sync = await uploadSync(c.id as string, file);
    expect(sync.status).toBe(400);
    expect(sync.body.error).toMatchObject({ code: 'unsupported_encoding', message: expect.stringMatching(/line 10002 contains a NUL/), details: { importId: expect.any(String) } });
    const failed = await api.http.get(`/v1/imports/${sync.body.error.details.importId as string}`).set(api.auth());
    expect(failed.body).toMatchObject({ status: 'failed', accepted: 0 });

    const multi = await uploadMultipart(c.id as string, file);
    expect(multi.status).toBe(400);
    expect(multi.body.error).toMatchObject({ code: 'unsupported_encoding', details: { importId: expect.any(String) } });
    expect(await leadsOf(c.id as string)).toEqual([]);
  });
});

describe('imports: no column is lost to its header', () => {
  test('when renamed duplicate headers would collide (a,a_2,a), then each column keeps its own variable', async () => {
    const c = await createCampaign(api, { name: 'dup-headers' });
    const res = await uploadSync(c.id as string, Buffer.from('phone,a,a_2,a\n+12025550100,one,two,three\n'));
    expect(res.status).toBe(201);
    const [lead] = await leadsOf(c.id as string);
    expect(Object.values(lead!.custom).sort()).toEqual(['one', 'three', 'two']);
    expect(Object.keys(lead!.custom)).toHaveLength(3);
  });

  test('when a column is named __proto__ or constructor, then its values are kept like any other', async () => {
    const c = await createCampaign(api, { name: 'proto-header' });
    const res = await uploadSync(c.id as string, Buffer.from('phone,__proto__,constructor\n+12025550100,p,k\n'));
    expect(res.status).toBe(201);
    const [lead] = await leadsOf(c.id as string);
    expect(lead!.custom).toEqual(JSON.parse('{"__proto__":"p","constructor":"k"}'));
  });

  test('when a file is wider than 1,000 columns, then it is refused with a clear error, not cut', async () => {
    const c = await createCampaign(api, { name: 'wide' });
    const header = ['phone', ...Array.from({ length: 1000 }, (_, i) => `c${i}`)].join(',');
    const row = ['+12025550100', ...Array.from({ length: 1000 }, () => 'v')].join(',');
    for (const send of [uploadSync, uploadMultipart]) {
      const res = await send(c.id as string, Buffer.from(`${header}\n${row}\n`));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'too_many_columns', message: expect.stringMatching(/more than 1000 columns/) });
    }
    expect(await leadsOf(c.id as string)).toEqual([]);
  });
});
