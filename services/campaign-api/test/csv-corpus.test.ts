import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '@dialer/testing';
import { suggestMapping } from '../src/imports/column-mapping';
import type { ImportDetail } from '../src/imports/import.dto';
import { createCampaign, startApi, type Api } from './helpers';

/**
 * A corpus of CSV files through both import endpoints (synchronous text/csv and multipart): the
 * csv-spectrum files (each with a phone column put in front of every record, the file's own bytes
 * otherwise untouched) and our own nasty ones. Each ends with exact values stored, or with a clear
 * refusal and nothing stored — never a half-written import.
 */

const SPECTRUM = path.dirname(require.resolve('csv-spectrum/package.json'));

let api: Api;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'csv-corpus-'));
  api = await startApi('csv-corpus', { IMPORT_DIR: dir, IMPORT_BATCH_ROWS: '200', IMPORT_POLL_MS: '50' });
});

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const phoneOf = (i: number): string => `+1202555${String(1000 + i)}`;

/** Puts `phone,` before the header and `<number>,` before every record, finding records as RFC 4180 does (quotes hold line breaks). */
function withPhoneColumn(raw: Buffer): Buffer {
  const text = raw.toString('latin1'); // byte-preserving
  let out = 'phone,';
  let inQuotes = false;
  let record = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    out += c;
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || (c === '\r' && text[i + 1] !== '\n'))) {
      if (i + 1 < text.length) out += `${phoneOf(record++)},`;
    }
  }
  return Buffer.from(out, 'latin1');
}

interface Stored {
  phone_e164: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  custom: Record<string, string>;
}

type Endpoint = 'sync' | 'multipart';

interface Result {
  status: number;
  body: any;
  importId: string | undefined;
  job?: ImportDetail;
  leads: Stored[];
}

async function importFile(endpoint: Endpoint, file: Buffer, mapping?: Record<string, string>): Promise<Result> {
  const c = await createCampaign(api, { name: `corpus ${endpoint}` });
  const campaignId = c.id as string;
  let res;
  if (endpoint === 'sync') {
    res = await api.http.post(`/v1/campaigns/${campaignId}/leads/csv`).set(api.auth()).set('Content-Type', 'text/csv').send(file);
  } else {
    const req = api.http.post(`/v1/campaigns/${campaignId}/imports`).set(api.auth());
    if (mapping) req.field('mapping', JSON.stringify(mapping));
    res = await req.attach('file', file, { filename: 'corpus.csv', contentType: 'text/csv' });
  }
  const importId: string | undefined = res.status < 300 ? (endpoint === 'sync' ? res.body.importId : res.body.id) : res.body?.error?.details?.importId;
  let job: ImportDetail | undefined;
  if (importId) {
    job = await eventually(async () => {
      const r = await api.http.get(`/v1/imports/${importId}`).set(api.auth());
      return ['completed', 'failed', 'cancelled'].includes(r.body.status as string) ? (r.body as ImportDetail) : undefined;
    }, { timeoutMs: 30_000, intervalMs: 25, what: `import ${importId} finished` });
  }
  const leads: Stored[] = await api.ctx.ds.query(
    `SELECT phone_e164, first_name, last_name, email, custom FROM leads WHERE campaign_id = $1 ORDER BY phone_e164`, [campaignId]);
  return { status: res.status, body: res.body, importId, job, leads };
}

/** Whole or nothing: a completed import accounts for every row it read; a refused one stored nothing. */
function expectWhole(r: Result): void {
  expect(r.importId).toEqual(expect.any(String));
  if (r.status < 300) {
    expect(r.job?.status).toBe('completed');
    const j = r.job!;
    expect(j.accepted + j.rejected + j.duplicates + j.dncSuppressed).toBe(j.rowsRead);
    expect(r.leads).toHaveLength(j.accepted);
  } else {
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(r.job?.status).toBe('failed');
    expect(r.leads).toEqual([]);
  }
}

/** What a lead holds of a source row: mapped names plus custom variables, as the row's header → value. */
function asRow(l: Stored, headers: string[]): Record<string, string> {
  const m = suggestMapping(headers);
  const row: Record<string, string> = { ...l.custom };
  if (m.firstName) row[m.firstName] = l.first_name ?? '';
  if (m.lastName) row[m.lastName] = l.last_name ?? '';
  return row;
}

/** Where csv-spectrum 2.0.0's expected JSON disagrees with its own CSV bytes: the CSV is what we store. */
const ERRATA: Record<string, Array<Record<string, string>>> = {
  'location_coordinates.csv': [{ 'Contact Phone Number': '2095257564' }], // the JSON says 1234567890
};

const spectrum = readdirSync(path.join(SPECTRUM, 'csvs')).filter((f) => f.endsWith('.csv')).sort();

describe('csv corpus: csv-spectrum', () => {
  test('when the package is installed, then it has its files', () => {
    expect(spectrum.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(spectrum)('%s', (file) => {
    const raw = readFileSync(path.join(SPECTRUM, 'csvs', file));
    const parsed: unknown = JSON.parse(readFileSync(path.join(SPECTRUM, 'json', file.replace(/\.csv$/, '.json')), 'utf8'));
    const expected = ((Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, string>>) // one file's JSON is a bare object
      .map((row, i) => ({ ...row, ...ERRATA[file]?.[i] }));
    const csv = withPhoneColumn(raw);

    test('when imported by multipart with the phone mapped, then every other column is stored exactly as a custom variable', async () => {
      const r = await importFile('multipart', csv, { phone: 'phone' });
      expectWhole(r);
      expect(r.leads.map((l) => l.phone_e164)).toEqual(expected.map((_, i) => phoneOf(i)));
      expect(r.leads.map((l) => l.custom)).toEqual(expected);
    });

    test('when imported by the synchronous endpoint, then every column is stored exactly (mapped names or custom variables)', async () => {
      const r = await importFile('sync', csv);
      expectWhole(r);
      expect(r.status).toBe(201);
      const headers = Object.keys(expected[0] ?? {});
      const zip = suggestMapping(headers).postalCode;
      const want = expected.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => k !== zip))); // a zip code informs the time zone only
      expect(r.leads.map((l) => asRow(l, headers))).toEqual(want);
    });
  });
});

describe.each<Endpoint>(['sync', 'multipart'])('csv corpus: our nasty files (%s)', (endpoint) => {
  test('when lines end with CR only (old Mac), with a CR inside a quoted field, then every row and value is kept', async () => {
    const r = await importFile(endpoint, Buffer.from(`phone,note\r${phoneOf(0)},"a\rb"\r${phoneOf(1)},c\r`));
    expectWhole(r);
    expect(r.leads.map((l) => [l.phone_e164, l.custom])).toEqual([[phoneOf(0), { note: 'a\rb' }], [phoneOf(1), { note: 'c' }]]);
  });

  test('when headers repeat, are empty, or are hostile names, then each column keeps its own variable and value', async () => {
    const header = 'phone,a,a_2,a,__proto__,constructor,,=cmd|x, spaced ,hasOwnProperty';
    const r = await importFile(endpoint, Buffer.from(`${header}\n${phoneOf(0)},1,2,3,4,5,6,7,8,9\n`));
    expectWhole(r);
    expect(r.leads[0]?.custom).toEqual(JSON.parse(
      '{"a":"1","a_2":"2","a_3":"3","__proto__":"4","constructor":"5","column_7":"6","=cmd|x":"7","spaced":"8","hasOwnProperty":"9"}'));
  });

  test('when Windows-1252 and UTF-16 text comes after the first 4 KB, then it is stored as written', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => `${phoneOf(i)},plain${i}`);
    const cp = Buffer.concat([Buffer.from(`phone,note\n${rows.join('\n')}\n`), Buffer.from(`${phoneOf(999)},Zo`), Buffer.from([0xeb]), Buffer.from(' Müller\n', 'latin1')]);
    const r1 = await importFile(endpoint, cp);
    expectWhole(r1);
    expect(r1.leads.find((l) => l.phone_e164 === phoneOf(999))?.custom).toEqual({ note: 'Zoë Müller' });
    expect(r1.leads.some((l) => JSON.stringify(l.custom).includes('\ufffd'))).toBe(false);

    const text = `phone,note\n${rows.join('\n')}\n${phoneOf(999)},Zoë 😀\n`;
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const r2 = await importFile(endpoint, utf16);
    expectWhole(r2);
    expect(r2.leads).toHaveLength(251);
    expect(r2.leads.find((l) => l.phone_e164 === phoneOf(999))?.custom).toEqual({ note: 'Zoë 😀' });
  });

  test('when a NUL byte hides past the first 4 KB, then the file is refused naming the line and nothing is stored', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => `${phoneOf(i)},x`);
    const r = await importFile(endpoint, Buffer.from(`phone,name\n${rows.join('\n')}\n${phoneOf(999)},a\u0000b\n`, 'latin1'));
    expectWhole(r);
    expect(r.body.error).toMatchObject({ code: 'unsupported_encoding', message: expect.stringMatching(/line 402/) });
  });

  test('when a file has 100 custom columns, then every value is kept; past 100, or past 1,000 columns, it is refused saying why and nothing is stored', async () => {
    const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i}`);
    const file = (cols: string[]): Buffer => Buffer.from(`phone,${cols.join(',')}\n${phoneOf(0)},${cols.map((n) => `v${n}`).join(',')}\n`);
    const ok = await importFile(endpoint, file(names(100)));
    expectWhole(ok);
    expect(ok.leads[0]?.custom).toEqual(Object.fromEntries(names(100).map((n) => [n, `v${n}`])));

    const wider = await importFile(endpoint, file(names(101)));
    expectWhole(wider);
    expect(wider.body.error).toMatchObject({ code: 'too_many_columns', message: expect.stringMatching(/101 columns that are not lead fields; a lead keeps at most 100/) });

    const widest = await importFile(endpoint, file(names(1000)));
    expectWhole(widest);
    expect(widest.body.error).toMatchObject({ code: 'too_many_columns', message: expect.stringMatching(/more than 1000 columns/) });
  });
});
