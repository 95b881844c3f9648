import { mutate } from '@dialer/db';
import { StringDecoder } from 'node:string_decoder';
import { Transform, type Readable } from 'node:stream';
import Papa from 'papaparse';
import type { DataSource } from '@dialer/db';
import { AppError, type Logger } from '@dialer/platform';
import { mapColumns, rowToLead, type ColumnMap } from './csv-columns';
import { insertLeadBatch, lockCampaignForLeads } from './leads.repository';
import { prepareLead, type PreparedLead } from './prepare-lead';

export const CSV_BATCH_SIZE = 1000;
/** Row problems kept on the import job; the HTTP answer carries the first 100. */
export const MAX_STORED_ERRORS = 1000;
export const MAX_ANSWERED_ERRORS = 100;

export interface CsvRowError {
  /** 1-based data row (the header is not counted). */
  row: number;
  column: string;
  value?: string;
  reason: string;
}

export interface CsvImportResult {
  importId: string;
  rowsRead: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  dncSuppressed: number;
  errors: CsvRowError[];
}

export interface CsvImportInput {
  tenantId: string;
  campaignId: string;
  defaultCountry: string;
  body: Readable;
  maxBytes: number;
  /** Content-Length when the client sent one: refused at once when over maxBytes. */
  declaredBytes?: number;
  filename?: string | null;
}

/** Counts bytes (failing past the limit), decodes UTF-8 across chunk borders and drops a BOM. */
function limitAndDecode(maxBytes: number): Transform {
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let first = true;
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        cb(tooLarge(maxBytes));
        return;
      }
      let text = decoder.write(chunk);
      if (first && text.length) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      cb(null, text);
    },
    flush(cb) {
      cb(null, decoder.end());
    },
  });
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', `the CSV is larger than the limit of ${maxBytes} bytes`, { status: 413, details: { maxBytes } });
}

/**
 * Streams a CSV into a campaign: papaparse parses the request body as it arrives (never the whole
 * file in memory), columns map to lead fields by header, each row goes through the same pipeline
 * as JSON leads, and batches of 1000 are inserted each in its own transaction. The import job row
 * records the outcome. If the import fails part-way, the leads it inserted that are still untouched
 * are taken back out, so a failed import changes nothing.
 */
export async function importCsv(ds: DataSource, logger: Logger, input: CsvImportInput): Promise<CsvImportResult> {
  const { tenantId, campaignId } = input;
  const jobs: Array<{ id: string }> = await ds.query(
    `INSERT INTO import_jobs (tenant_id, campaign_id, status, filename) VALUES ($1, $2, 'running', $3) RETURNING id`,
    [tenantId, campaignId, input.filename ?? null]);
  const importId = jobs[0]!.id;
  const totals = { rowsRead: 0, accepted: 0, rejected: 0, duplicates: 0, dncSuppressed: 0 };
  const errors: CsvRowError[] = [];
  const log = logger.child({ importId, campaignId });

  const addError = (e: CsvRowError): void => {
    totals.rejected += 1;
    if (errors.length < MAX_STORED_ERRORS) errors.push(e);
  };

  const flush = async (batch: PreparedLead[]): Promise<void> => {
    if (!batch.length) return;
    const c = await ds.transaction(async (m) => {
      await lockCampaignForLeads(m, tenantId, campaignId);
      return insertLeadBatch(m, { tenantId, campaignId, importId }, batch);
    });
    totals.accepted += c.accepted;
    totals.duplicates += c.duplicates;
    totals.dncSuppressed += c.dncSuppressed;
  };

  let inflight: Promise<void> = Promise.resolve();
  try {
    if (input.declaredBytes !== undefined && input.declaredBytes > input.maxBytes) throw tooLarge(input.maxBytes);
    const headers: string[] = [];
    const parser = Papa.parse(Papa.NODE_STREAM_INPUT, {
      header: true,
      skipEmptyLines: 'greedy',
      transformHeader: (h: string) => {
        const t = h.trim();
        headers.push(t);
        return t;
      },
    }) as unknown as NodeJS.ReadWriteStream & AsyncIterable<Record<string, unknown>>;
    const limiter = limitAndDecode(input.maxBytes);
    const fail = (err: unknown): void => {
      (parser as unknown as { destroy(e: unknown): void }).destroy(err);
    };
    limiter.on('error', fail);
    input.body.on('error', fail);
    input.body.on('aborted', () => fail(new AppError('aborted', 'the client aborted the upload', { status: 400 })));
    input.body.pipe(limiter).pipe(parser);

    let map: ColumnMap | null = null;
    const ensureMap = (): ColumnMap => {
      if (map) return map;
      const m = mapColumns(headers);
      if (!m.fields.phone) {
        throw new AppError('missing_phone_column',
          `the CSV has no phone column (expected one of phone, phone_number, mobile, telephone, contact, number); headers found: ${headers.join(', ') || '(none)'}`,
          { status: 400, details: { headers } });
      }
      map = m;
      return m;
    };

    let batch: PreparedLead[] = [];
    for await (const row of parser) {
      const m = ensureMap();
      totals.rowsRead += 1;
      const rowNo = totals.rowsRead;
      if (row.__parsed_extra !== undefined) {
        addError({ row: rowNo, column: '', reason: `the row has more fields than the header (${headers.length})` });
        continue;
      }
      const p = prepareLead(rowToLead(row, m), input.defaultCountry);
      if (!p.ok) {
        const field = p.problem.field;
        const column = field.startsWith('custom.') ? field.slice('custom.'.length)
          : (m.fields as Record<string, string | undefined>)[field] ?? field;
        addError({ row: rowNo, column, ...(p.problem.value !== undefined ? { value: p.problem.value } : {}), reason: p.problem.reason });
        continue;
      }
      batch.push(p.lead);
      if (batch.length >= CSV_BATCH_SIZE) {
        // One batch in flight while the next is parsed; batches still commit in file order.
        await inflight;
        inflight = flush(batch);
        inflight.catch(() => undefined);
        batch = [];
      }
    }
    ensureMap();
    await inflight;
    await flush(batch);

    await ds.query(
      `UPDATE import_jobs SET status = 'completed', rows_read = $2, accepted = $3, rejected = $4, duplicates = $5,
              dnc_suppressed = $6, errors = $7::jsonb, finished_at = now()
        WHERE id = $1`,
      [importId, totals.rowsRead, totals.accepted, totals.rejected, totals.duplicates, totals.dncSuppressed, JSON.stringify(errors)]);
    log.info({ ...totals }, 'csv import completed');
    return { importId, ...totals, errors: errors.slice(0, MAX_ANSWERED_ERRORS) };
  } catch (err) {
    await inflight.catch(() => undefined);
    const removed = totals.accepted || totals.dncSuppressed
      ? await takeBack(ds, tenantId, campaignId, importId, totals.dncSuppressed).catch((e: unknown) => {
        log.error({ err: e }, 'could not take back the leads of a failed import');
        return 0;
      })
      : 0;
    const message = err instanceof AppError ? err.message : 'the import failed';
    await ds.query(
      `UPDATE import_jobs SET status = 'failed', rows_read = $2, accepted = 0, rejected = $3, duplicates = $4,
              dnc_suppressed = $5, errors = $6::jsonb, error = $7, finished_at = now()
        WHERE id = $1`,
      [importId, totals.rowsRead, totals.rejected, totals.duplicates, totals.dncSuppressed, JSON.stringify(errors), message],
    ).catch((e: unknown) => log.error({ err: e }, 'could not record the failed import'));
    const clientError = err instanceof AppError && err.status < 500;
    log[clientError ? 'info' : 'error']({ err: clientError ? { code: err.code } : err, rowsRead: totals.rowsRead, removed }, 'csv import failed');
    if (err instanceof AppError) {
      const details = err.details && typeof err.details === 'object' ? err.details : {};
      throw new AppError(err.code, err.message, { status: err.status, details: { ...details, importId } });
    }
    throw err;
  }
}

/** Removes what a failed import inserted (leads still pending and never tried) and un-counts them. */
async function takeBack(
  ds: DataSource, tenantId: string, campaignId: string, importId: string, dncSuppressed: number,
): Promise<number> {
  return ds.transaction(async (m) => {
    const { count } = await mutate(m,
      `DELETE FROM leads WHERE import_id = $1 AND tenant_id = $2 AND campaign_id = $3 AND status = 'pending' AND attempts = 0`,
      [importId, tenantId, campaignId]);
    if (count || dncSuppressed) {
      await m.query(
        `UPDATE campaign_stats SET total_leads = total_leads - $2, dnc_suppressed = dnc_suppressed - $3, updated_at = now()
          WHERE campaign_id = $1`,
        [campaignId, count, dncSuppressed]);
    }
    return count;
  });
}
