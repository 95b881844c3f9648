import { createReadStream } from 'node:fs';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { bumpCampaignStats, type DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { lockCampaignForLeads } from '../leads/leads.repository';
import { createDecoder } from './csv-encoding';
import { CsvParser, isBlankRecord, type CsvRecord } from './csv-parser';
import {
  loadStagedBatch, recordBatch, STAGING_DDL, type BatchCounts, type ImportJobRow, type ImportOptions,
} from './imports.repository';
import {
  BatchBuilder, MAX_FIELD_CHARS, MAX_FIELDS, STAGING_COLUMNS, type NumberedRecord, type PrepareContext, type PreparedBatch,
} from './prepare-rows';
import type { PreparePool } from './prepare-pool';

function memoryMb(): { rssMb: number; heapMb: number; externalMb: number } {
  const m = process.memoryUsage();
  return { rssMb: Math.round(m.rss / 1048576), heapMb: Math.round(m.heapUsed / 1048576), externalMb: Math.round(m.external / 1048576) };
}

/** The run lost its claim (cancelled, or another process took over): stop without touching the job. */
export class ImportPreempted extends Error {}

export interface RunImportDeps {
  ds: DataSource;
  pool: PreparePool;
  batchRows: number;
  /** Stops the run between batches (shutdown, cancel). */
  signal: AbortSignal;
  /** Per-batch timings at debug level. */
  logger?: import('@dialer/platform').Logger;
  /** Test hook: called inside each batch's transaction just before COMMIT; throwing rolls the batch back. */
  beforeCommit?: (batchNo: number, importId: string) => void | Promise<void>;
}

export interface RunTotals extends BatchCounts {
  rowsRead: number;
  lastRow: number;
}

/**
 * Reads the header and yields data records (1-based numbers; blank lines are skipped and not
 * counted) in arrays, as the file streams from disk.
 */
async function* readRecords(path: string, opts: ImportOptions): AsyncGenerator<{ header?: CsvRecord; records: NumberedRecord[] }> {
  const decoder = createDecoder(opts.encoding);
  const parser = new CsvParser({ delimiter: opts.delimiter, maxFieldChars: MAX_FIELD_CHARS, maxFields: MAX_FIELDS });
  let row = 0;
  let header: CsvRecord | undefined;
  const out: CsvRecord[] = [];
  const number = (): { header?: CsvRecord; records: NumberedRecord[] } => {
    const records: NumberedRecord[] = [];
    let first: CsvRecord | undefined;
    for (const rec of out) {
      if (isBlankRecord(rec)) continue;
      if (!header) {
        header = rec;
        first = rec;
        continue;
      }
      records.push({ row: ++row, rec });
    }
    out.length = 0;
    return first ? { header: first, records } : { records };
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
    parser.write(decoder.write(chunk as Buffer), out);
    yield number();
  }
  parser.write(decoder.end(), out);
  parser.end(out);
  yield number();
}

/**
 * Runs (or resumes) one claimed import: records after `last_row` are batched, prepared on worker
 * threads, and each batch is committed in order in its own transaction — COPY into a temp staging
 * table, one set-based insert into leads and the report, the job's progress and the campaign's
 * total_leads — so a crash leaves only whole batches and a re-run continues after the last one.
 */
export async function runImport(deps: RunImportDeps, job: ImportJobRow): Promise<RunTotals> {
  const opts = job.options as ImportOptions;
  if (!opts.mapping || !opts.encoding || !opts.delimiter || !job.file_path) throw new AppError('import_not_ready', 'the import has no stored file or options');
  const ctx: PrepareContext = { mapping: opts.mapping, defaultCountry: opts.defaultCountry, rejectCardNumbers: opts.rejectCardNumbers ?? false };
  const phoneColumn = opts.mapping.headers[opts.mapping.fields.phone!] ?? 'phone';
  const totals: RunTotals = { rowsRead: 0, lastRow: job.last_row, accepted: 0, rejected: 0, duplicates: 0, dnc: 0 };
  const qr = deps.ds.createQueryRunner();
  await qr.connect();
  let batchNo = 0;
  let committedTo = job.last_row;

  const commit = async (b: PreparedBatch): Promise<void> => {
    if (deps.signal.aborted) throw new ImportPreempted('stopped');
    batchNo++;
    const t0 = performance.now();
    await qr.startTransaction();
    try {
      await lockCampaignForLeads(qr.manager, job.tenant_id, job.campaign_id);
      // The report's correlated subqueries inflate the cost estimate past jit_above_cost: JIT would spend ~0.7 s a batch.
      await qr.query('SET LOCAL jit = off');
      await qr.query(STAGING_DDL);
      const client = (qr as unknown as { databaseConnection: import('pg').PoolClient }).databaseConnection;
      await pipeline(Readable.from([b.copy]), client.query(copyFrom(`COPY import_staging (${STAGING_COLUMNS.join(', ')}) FROM STDIN`)));
      // No ANALYZE: the planner sizes a never-analyzed table from its pages, close enough for the batch
      // statement's hash/merge joins (ANALYZE cost 30-100 ms a batch).
      const t1 = performance.now();
      const c = await loadStagedBatch(qr.manager, { tenantId: job.tenant_id, campaignId: job.campaign_id, importId: job.id, phoneColumn });
      if (!(await recordBatch(qr.manager, job.id, job.claims, committedTo, b.lastRow, b.rows, c))) throw new ImportPreempted('the import was cancelled or taken over');
      if (c.accepted || c.dnc) await bumpCampaignStats(qr.manager, job.tenant_id, job.campaign_id, { totalLeads: c.accepted, dncSuppressed: c.dnc });
      if (deps.beforeCommit) await deps.beforeCommit(batchNo, job.id);
      const t2 = performance.now();
      await qr.commitTransaction();
      deps.logger?.debug({ batchNo, rows: b.rows, copyMs: Math.round(t1 - t0), loadMs: Math.round(t2 - t1), commitMs: Math.round(performance.now() - t2), ...memoryMb() }, 'import batch');
      committedTo = b.lastRow;
      totals.lastRow = b.lastRow;
      totals.rowsRead += b.rows;
      totals.accepted += c.accepted;
      totals.rejected += c.rejected;
      totals.duplicates += c.duplicates;
      totals.dnc += c.dnc;
    } catch (err) {
      await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    }
  };

  // Batches are prepared ahead (inline as records are parsed, or on the workers) while earlier ones
  // commit, in file order; at most `depth` prepared batches wait, so memory stays bounded.
  const depth = 3;
  let chain: Promise<void> = Promise.resolve();
  const inflight: Array<Promise<void>> = [];
  const enqueue = (prepared: Promise<PreparedBatch>): void => {
    prepared.catch(() => undefined);
    chain = chain.then(async () => commit(await prepared));
    chain.catch(() => undefined);
    inflight.push(chain);
  };
  const inline = deps.pool.inline;
  let builder = new BatchBuilder(ctx);
  let records: NumberedRecord[] = [];
  let tp = performance.now();
  const submit = (): void => {
    const rows = inline ? builder.rows : records.length;
    if (rows === 0) return;
    const prepared = inline ? Promise.resolve(builder.finish()) : deps.pool.run(records, ctx);
    const started = tp;
    prepared.then(() => deps.logger?.debug({ rows, prepareMs: Math.round(performance.now() - started) }, 'import batch prepared'), () => undefined);
    enqueue(prepared);
    builder = new BatchBuilder(ctx);
    records = [];
    tp = performance.now();
  };
  try {
    for await (const { records: parsed } of readRecords(job.file_path, opts)) {
      for (const r of parsed) {
        if (r.row <= job.last_row) continue;
        if (inline) builder.add(r.row, r.rec);
        else records.push(r);
        if ((inline ? builder.rows : records.length) >= deps.batchRows) submit();
      }
      while (inflight.length >= depth) await inflight.shift();
      if (deps.signal.aborted) break;
    }
    if (!deps.signal.aborted) submit();
    await chain;
    if (deps.signal.aborted) throw new ImportPreempted('stopped');
    return totals;
  } finally {
    await chain.catch(() => undefined);
    await qr.release();
  }
}
