import type { ConsentType } from '@dialer/domain';
import { randomUUID } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import type { DataSource } from '@dialer/db';
import type { LeadSchema } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import { describeMapping } from './column-mapping';
import type { ImportRunner } from './import-runner';
import {
  failImport, importErrorsPage, insertImportJob, markUploaded, type ImportErrorRow, type ImportJobRow, type ImportOptions,
} from './imports.repository';
import { INSPECT_BYTES, inspectCsv, mappingFor } from './inspect-csv';
import { confirmEncoding } from './scan-csv';
import type { ImportJob, ImportReportLine } from './import.dto';

/** A new import job (pending, no file yet) and the path its upload is stored at. */
export async function createUploadJob(
  ds: DataSource, runner: ImportRunner, t: { tenantId: string; campaignId: string; filename: string | null },
): Promise<{ id: string; filePath: string }> {
  const id = randomUUID();
  const filePath = runner.filePath(id);
  await insertImportJob(ds, { id, tenantId: t.tenantId, campaignId: t.campaignId, filename: t.filename, filePath });
  return { id, filePath };
}

async function readHead(filePath: string): Promise<{ head: Buffer; complete: boolean }> {
  const fh = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(INSPECT_BYTES + 1);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { head: buf.subarray(0, Math.min(bytesRead, INSPECT_BYTES)), complete: bytesRead <= INSPECT_BYTES };
  } finally {
    await fh.close();
  }
}

/** Parses the `mapping` form field or query value: a JSON object of field → column name. */
export function parseMapping(raw: unknown): Record<string, unknown> | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw !== 'string') throw new AppError('invalid_mapping', 'mapping must be a JSON object of field → column name', { status: 400 });
  try {
    const v: unknown = JSON.parse(raw);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AppError('invalid_mapping', 'mapping must be a JSON object of field → column name, e.g. {"phone":"Mobile Number"}', { status: 400 });
}

/** The stored file is inspected (encoding, delimiter, header, mapping); then the job is ready to run. */
export async function finalizeUpload(
  ds: DataSource,
  j: {
    id: string; filePath: string; bytes: number; mapping: Record<string, unknown> | null; defaultCountry: string; rejectCardNumbers?: boolean;
    leadSchema?: LeadSchema | null; consentRequired?: ConsentType | null; claim: boolean;
  },
): Promise<ImportJobRow> {
  const { head, complete } = await readHead(j.filePath);
  const ins = inspectCsv(head, complete, 0);
  // The head guessed the encoding; the whole file confirms it (or the file is refused) before any row is imported.
  const encoding = await confirmEncoding(j.filePath, ins.encoding);
  const options: ImportOptions = { encoding, delimiter: ins.delimiter, mapping: mappingFor(ins, j.mapping), defaultCountry: j.defaultCountry, rejectCardNumbers: j.rejectCardNumbers ?? false,
    ...(j.leadSchema ? { leadSchema: j.leadSchema } : {}), consentRequired: j.consentRequired ?? null,
  };
  return markUploaded(ds, j.id, j.bytes, options, j.claim);
}

/** Records an upload that failed before processing and returns the error carrying the import id. */
export async function failUpload(ds: DataSource, id: string, filePath: string, err: unknown): Promise<unknown> {
  await unlink(filePath).catch(() => undefined);
  const message = err instanceof AppError ? err.message : 'the upload failed';
  await failImport(ds, id, message).catch(() => undefined);
  if (err instanceof AppError) {
    const details = err.details && typeof err.details === 'object' ? err.details : {};
    return new AppError(err.code, err.message, { status: err.status, details: { ...details, importId: id } });
  }
  return err;
}

export function importView(j: ImportJobRow): ImportJob {
  const o = j.options;
  return {
    id: j.id, campaignId: j.campaign_id, status: j.status, filename: j.filename,
    rowsRead: j.rows_read, accepted: j.accepted, rejected: j.rejected, duplicates: j.duplicates, dncSuppressed: j.dnc_suppressed,
    lastRow: j.last_row, error: j.error, assumedCountry: o.defaultCountry ?? null, countries: j.countries ?? {},
    encoding: o.encoding ?? null, delimiter: o.delimiter ?? null, mapping: o.mapping ? describeMapping(o.mapping) : null,
    createdAt: j.created_at, startedAt: j.started_at, finishedAt: j.finished_at,
    errorsUrl: `/v1/imports/${j.id}/errors.csv`,
  };
}

export const MAX_ANSWERED_ERRORS = 100;

export function reportLine(e: ImportErrorRow): ImportReportLine {
  return { row: e.row, kind: e.kind, column: e.column, ...(e.value !== null ? { value: e.value } : {}), reason: e.reason };
}

export async function firstReportLines(ds: DataSource, tenantId: string, importId: string): Promise<ImportReportLine[]> {
  return (await importErrorsPage(ds, tenantId, importId, 0, MAX_ANSWERED_ERRORS)).map(reportLine);
}
