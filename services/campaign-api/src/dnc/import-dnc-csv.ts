import type { Readable } from 'node:stream';
import Papa from 'papaparse';
import type { DataSource } from '@dialer/db';
import { normalizePhone } from '@dialer/domain';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import { dncCountry } from './dnc-country';
import type { DncImportResult } from './dnc.dto';
import { insertDncNumbers } from './dnc.repository';

const PHONE_HEADERS = new Set(['phone', 'phone_number', 'phonenumber', 'number', 'mobile', 'msisdn', 'telephone', 'tel', 'e164']);
const BATCH = 5000;
const MAX_ERRORS = 100;

export interface ImportDncCsvInput {
  campaignId?: string;
  reason?: string;
}

/**
 * Streams a CSV of numbers into the tenant's (or a campaign's) DNC list in batches, never holding
 * the file in memory: the column named phone (or number, mobile…) when a header names one, else the
 * first; each number normalized in the campaign's numbering; the import audited once at the end.
 */
export async function importDncCsv(ds: DataSource, auth: AuthContext, csv: Readable, input: ImportDncCsvInput): Promise<DncImportResult> {
  const { tenantId, apiKeyId, userId } = auth;
  const campaignId = input.campaignId ?? null;
  const country = await dncCountry(ds, tenantId, campaignId);
  const result: DncImportResult = { rows: 0, added: 0, duplicates: 0, invalid: 0, errors: [] };
  let column = 0;
  let first = true;
  let batch: string[] = [];
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const unique = [...new Set(batch)];
    result.duplicates += batch.length - unique.length;
    const added = await insertDncNumbers(ds, { tenantId, campaignId, reason: input.reason ?? null }, unique);
    result.added += added;
    result.duplicates += unique.length - added;
    batch = [];
  };

  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { skipEmptyLines: 'greedy' }) as NodeJS.ReadWriteStream;
  csv.pipe(parser);
  for await (const raw of parser as AsyncIterable<string[]>) {
    const cells = raw.map((c) => String(c ?? '').trim());
    if (first) {
      first = false;
      const found = cells.findIndex((c) => PHONE_HEADERS.has(c.toLowerCase().replace(/[\s-]/g, '_')));
      if (found >= 0) {
        column = found;
        continue;
      }
      if (!cells.some((c) => /\d/.test(c))) continue; // a header without a known name: the first column
    }
    result.rows++;
    const r = normalizePhone(cells[column] ?? '', country);
    if (!r.ok) {
      result.invalid++;
      if (result.errors.length < MAX_ERRORS) result.errors.push({ row: result.rows, reason: r.reason });
      continue;
    }
    batch.push(r.e164);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  await writeAudit(ds.manager, {
    tenantId, apiKeyId, userId, action: 'dnc.import', entityType: 'dnc_entry', entityId: null,
    after: { campaignId, added: result.added, rows: result.rows },
  });
  return result;
}
