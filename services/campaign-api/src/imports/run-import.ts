import { createReadStream } from 'node:fs';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { bumpCampaignStats, type DataSource, type QueryRunner } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { lockCampaignForLeads } from '../leads/leads.repository';
import { createDecoder } from './csv-encoding';
import { CsvParser, isBlankRecord, type CsvRecord } from './csv-parser';
import {
  loadStagedBatch, recordBatch, STAGING_DDL, type StagedBatchCounts, type ImportJobRow, type ImportOptions,
} from './imports.repository';
import {
  BatchBuilder, csvRecordChars, MAX_BATCH_CHARS, MAX_FIELD_CHARS, MAX_FIELDS, STAGING_COLUMNS, type NumberedRecord, type PrepareContext,
  type PreparedBatch,
} from './prepare-rows';
import type { PreparePool } from './prepare-pool';

function memoryMb(): { rssMb: number; heapMb: number; heapTotalMb: number; externalMb: number } {
  const m = process.memoryUsage();
  const mb = (n: number): number => Math.round(n / 1048576);
  return { rssMb: mb(m.rss), heapMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external) };
}

/**
 * Settings of each batch's transaction. JIT off: the statement's per-row subqueries inflate its cost
 * estimate past jit_above_cost, and compiling would take ~0.7 s a batch. Asynchronous commit: a batch
 * and its progress (import_jobs.last_row) commit together, so if Postgres crashes and loses the last
 * commits, it loses both, and the resumed run redoes those batches; anything committed later
 * synchronously (the import's completion, a dial of one of its leads) flushes them first. It saves
 * the WAL flush a batch (each is a few MB of WAL).
 */
const BATCH_SETTINGS = 'SET LOCAL jit = off; SET LOCAL synchronous_commit = off';

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

export interface RunTotals extends StagedBatchCounts {
  rowsRead: number;
  lastRow: number;
}

/**
 * Bytes read from the file at a time. Inline preparation runs between reads on the event loop that
 * also drives the batch transactions: 16 KB (~150 rows, 1-2 ms of work) keeps each answer from
 * Postgres waiting at most that long (64 KB made the staging COPY take 5x as long as Postgres spent).
 */
const READ_BYTES = 16 * 1024;

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
  for await (const chunk of createReadStream(path, { highWaterMark: READ_BYTES })) {
    parser.write(decoder.write(chunk as Buffer), out);
    yield number();
  }
  parser.write(decoder.end(), out);
  parser.end(out);
  yield number();
}

/** The pg client under a TypeORM query runner (for COPY): `connect()` resolves to it (TypeORM's public API). */
async function pgClient(qr: QueryRunner): Promise<PoolClient> {
  return (await qr.connect()) as PoolClient;
}

/**
 * Runs (or resumes) one claimed import: records after `last_row` are batched, prepared (inline as
 * they are parsed, or on worker threads), and each batch is committed in order in its own
 * transaction — COPY into a temp staging table, one set-based insert into leads and the report, the
 * job's progress and the campaign's DNC count — so a crash leaves only whole batches and a re-run
 * continues after the last one.
 *
 * Two connections take batches in turn: while one runs batch N's insert, the other opens batch N+1's
 * transaction and COPYs it into its own staging table, so Postgres never waits for the staging COPY;
 * batch N+1's insert starts when batch N has committed (its duplicates and progress check need that).
 */
export async function runImport(deps: RunImportDeps, job: ImportJobRow): Promise<RunTotals> {
  const opts = job.options as ImportOptions;
  if (!opts.mapping || !opts.encoding || !opts.delimiter || !job.file_path) throw new AppError('import_not_ready', 'the import has no stored file or options');
  const ctx: PrepareContext = {
    mapping: opts.mapping, defaultCountry: opts.defaultCountry, rejectCardNumbers: opts.rejectCardNumbers ?? false, leadSchema: opts.leadSchema ?? null,
    consentRequired: opts.consentRequired ?? null,
  };
  const phoneColumn = opts.mapping.headers[opts.mapping.fields.phone!] ?? 'phone';
  const f = opts.mapping.fields;
  const withConsent = [f.consentType, f.consentAt, f.consentSource, f.consentText].some((i) => i !== undefined);
  const totals: RunTotals = { rowsRead: 0, lastRow: job.last_row, accepted: 0, rejected: 0, duplicates: 0, dnc: 0 };
  const lanes: QueryRunner[] = [];
  let batchNo = 0;
  let committedTo = job.last_row;

  /** Opens the batch's transaction on its lane and fills the lane's staging table. */
  const stage = async (qr: QueryRunner, b: PreparedBatch): Promise<number> => {
    if (deps.signal.aborted) throw new ImportPreempted('stopped');
    const t0 = performance.now();
    await qr.startTransaction();
    await qr.query(BATCH_SETTINGS);
    await pipeline(Readable.from(b.copy), (await pgClient(qr)).query(copyFrom(`COPY import_staging (${STAGING_COLUMNS.join(', ')}) FROM STDIN`)));
    return performance.now() - t0;
  };

  /** After the previous batch committed: moves the staged batch into leads and commits. */
  const load = async (qr: QueryRunner, b: PreparedBatch, stageMs: number, waitFrom: number): Promise<void> => {
    if (deps.signal.aborted) throw new ImportPreempted('stopped');
    batchNo++;
    const t1 = performance.now();
    await lockCampaignForLeads(qr.manager, job.tenant_id, job.campaign_id);
    // No ANALYZE (30-100 ms a batch): the batch statement's plan does not depend on statistics.
    const c = await loadStagedBatch(qr.manager, { tenantId: job.tenant_id, campaignId: job.campaign_id, importId: job.id, phoneColumn, withConsent });
    if (!(await recordBatch(qr.manager, job.id, job.claims, committedTo, b.lastRow, b.rows, c, b.countries))) throw new ImportPreempted('the import was cancelled or taken over');
    if (c.dnc) await bumpCampaignStats(qr.manager, job.tenant_id, job.campaign_id, { dncSuppressed: c.dnc });
    if (deps.beforeCommit) await deps.beforeCommit(batchNo, job.id);
    const t2 = performance.now();
    await qr.commitTransaction();
    deps.logger?.debug({
      batchNo, rows: b.rows, stageMs: Math.round(stageMs), waitMs: Math.round(t1 - waitFrom), loadMs: Math.round(t2 - t1),
      commitMs: Math.round(performance.now() - t2), ...memoryMb(),
    }, 'import batch');
    committedTo = b.lastRow;
    totals.lastRow = b.lastRow;
    totals.rowsRead += b.rows;
    totals.accepted += c.accepted;
    totals.rejected += c.rejected;
    totals.duplicates += c.duplicates;
    totals.dnc += c.dnc;
  };

  // Batches are prepared ahead (inline as records are parsed, or on the workers) while earlier ones
  // commit, in file order. At most `depth` batches are past the last commit (one loading, one
  // staged, one being prepared), each at most batchRows rows and MAX_BATCH_CHARS of COPY text, and
  // reading waits for them: memory is bounded by that, whatever the file.
  const depth = 3;
  let chain: Promise<void> = Promise.resolve();
  /** Per lane: its last batch committed (or failed), so it can take the next one; its last staging. */
  const laneFree: Array<Promise<unknown>> = [Promise.resolve(), Promise.resolve()];
  const laneStaged: Array<Promise<unknown>> = [Promise.resolve(), Promise.resolve()];
  const inflight: Array<Promise<void>> = [];
  let queued = 0;
  const enqueue = (prepared: Promise<PreparedBatch>): void => {
    const lane = queued++ % 2;
    const qr = lanes[lane]!;
    const staged = Promise.all([prepared, laneFree[lane]]).then(async ([b]) => ({ b, ms: await stage(qr, b), at: performance.now() }));
    const previous = chain;
    chain = Promise.all([staged, previous]).then(async ([s]) => load(qr, s.b, s.ms, s.at));
    laneFree[lane] = chain;
    laneStaged[lane] = staged;
    for (const p of [prepared, staged, chain]) p.catch(() => undefined);
    inflight.push(chain);
  };
  const inline = deps.pool.inline;
  let builder = new BatchBuilder(ctx);
  let records: NumberedRecord[] = [];
  let recordChars = 0;
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
    recordChars = 0;
    tp = performance.now();
  };
  try {
    for (let i = 0; i < 2; i++) {
      const qr = deps.ds.createQueryRunner();
      await qr.connect();
      lanes.push(qr);
      // The staging table lives as long as the connection (emptied by every commit).
      await qr.query(STAGING_DDL);
    }
    for await (const { records: parsed } of readRecords(job.file_path, opts)) {
      for (const r of parsed) {
        if (r.row <= job.last_row) continue;
        if (inline) builder.add(r.row, r.rec);
        else {
          records.push(r);
          recordChars += csvRecordChars(r.rec);
        }
        if ((inline ? builder.rows : records.length) >= deps.batchRows || (inline ? builder.chars : recordChars) >= MAX_BATCH_CHARS) submit();
      }
      while (inflight.length >= depth) await inflight.shift();
      if (deps.signal.aborted) break;
    }
    if (!deps.signal.aborted) submit();
    await chain;
    if (deps.signal.aborted) throw new ImportPreempted('stopped');
    return totals;
  } finally {
    // A batch staged on the other lane when one failed is still open: roll it back.
    await Promise.allSettled([chain, ...laneStaged]);
    for (const qr of lanes) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      await qr.release();
    }
  }
}
