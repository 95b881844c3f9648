import { dncHit, mutate, queryRows, recordOutboundEvents, type DataSource, type EntityManager } from '@dialer/db';
import { importEndedEvent, type ConsentType, type LeadSchema } from '@dialer/domain';
import type { CsvEncoding } from './csv-encoding';
import type { ResolvedMapping } from './column-mapping';

/** What a run needs to (re)process the stored file exactly the same way. */
export interface ImportOptions {
  encoding: CsvEncoding;
  delimiter: string;
  mapping: ResolvedMapping;
  defaultCountry: string;
  /** PCI campaigns: a row whose custom field holds a card number is rejected. */
  rejectCardNumbers?: boolean;
  /** The campaign's required consent when the file was uploaded: rows without it are refused. */
  consentRequired?: ConsentType | null;
  /** The campaign's lead schema when the upload was stored: the whole import validates against it. */
  leadSchema?: LeadSchema | null;
}

export interface ImportJobRow {
  id: string;
  tenant_id: string;
  campaign_id: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
  filename: string | null;
  file_path: string | null;
  file_bytes: string | null;
  options: Partial<ImportOptions>;
  rows_read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  dnc_suppressed: number;
  /** Valid numbers per detected country. */
  countries: Record<string, number>;
  last_row: number;
  claims: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat_at: Date | null;
}

export interface StagedBatchCounts {
  accepted: number;
  rejected: number;
  duplicates: number;
  dnc: number;
}

const JOB_COLUMNS = `id, tenant_id, campaign_id, status, filename, file_path, file_bytes, options, rows_read, accepted, rejected,
  duplicates, dnc_suppressed, countries, last_row, claims, error, created_at, started_at, finished_at, heartbeat_at`;

export async function insertImportJob(
  ds: DataSource, j: { id: string; tenantId: string; campaignId: string; filename: string | null; filePath: string },
): Promise<void> {
  await ds.query(
    `INSERT INTO import_jobs (id, tenant_id, campaign_id, status, filename, file_path) VALUES ($1, $2, $3, 'pending', $4, $5)`,
    [j.id, j.tenantId, j.campaignId, j.filename, j.filePath]);
}

/**
 * The upload is stored and its options resolved: from now on a runner may claim it. With `claim`,
 * this process claims it in the same statement (the synchronous endpoint runs it in the request).
 */
export async function markUploaded(ds: DataSource, id: string, bytes: number, options: ImportOptions, claim: boolean): Promise<ImportJobRow> {
  const rows = await queryRows<ImportJobRow>(ds,
    `UPDATE import_jobs SET file_bytes = $2, options = $3::jsonb,
            status = CASE WHEN $4 THEN 'running' ELSE status END, claims = claims + CASE WHEN $4 THEN 1 ELSE 0 END,
            heartbeat_at = CASE WHEN $4 THEN now() END, started_at = CASE WHEN $4 THEN now() END
      WHERE id = $1 RETURNING ${JOB_COLUMNS}`,
    [id, bytes, JSON.stringify(options), claim]);
  return rows[0]!;
}

export async function getImportJob(ds: DataSource | EntityManager, tenantId: string, id: string): Promise<ImportJobRow | undefined> {
  const rows: ImportJobRow[] = await ds.query(`SELECT ${JOB_COLUMNS} FROM import_jobs WHERE id = $1 AND tenant_id = $2`, [id, tenantId]);
  return rows[0];
}

export async function listImportJobs(ds: DataSource, tenantId: string, campaignId: string, limit: number): Promise<ImportJobRow[]> {
  return ds.query(
    `SELECT ${JOB_COLUMNS} FROM import_jobs WHERE tenant_id = $1 AND campaign_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3`,
    [tenantId, campaignId, limit]);
}

/**
 * Claims one import for this process: a given one, or the oldest that is ready and pending, or
 * running with a heartbeat older than `staleMs` (its process died). `claims` is the fencing token
 * every batch commit checks, so a process that lost its claim can never commit again.
 */
export async function claimImport(ds: DataSource, staleMs: number, id?: string): Promise<ImportJobRow | undefined> {
  const rows = await queryRows<ImportJobRow>(ds,
    `UPDATE import_jobs SET status = 'running', claims = claims + 1, heartbeat_at = now(), started_at = COALESCE(started_at, now()), error = NULL
      WHERE id = (SELECT id FROM import_jobs
                   WHERE file_bytes IS NOT NULL AND ($2::uuid IS NULL OR id = $2)
                     AND (status = 'pending' OR (status = 'running' AND heartbeat_at < now() - $1 * interval '1 millisecond'))
                   ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING ${JOB_COLUMNS}`,
    [staleMs, id ?? null]);
  return rows[0];
}

/** Uploads that never completed (their process died mid-upload) are failed after `staleMs`. */
export async function failAbandonedUploads(ds: DataSource, staleMs: number): Promise<number> {
  const { count } = await mutate(ds,
    `UPDATE import_jobs SET status = 'failed', error = 'the upload did not complete', finished_at = now()
      WHERE status = 'pending' AND file_bytes IS NULL AND created_at < now() - $1 * interval '1 millisecond'`, [staleMs]);
  return count;
}

export async function heartbeat(ds: DataSource, ids: string[]): Promise<void> {
  if (ids.length) await ds.query(`UPDATE import_jobs SET heartbeat_at = now() WHERE id = ANY($1::uuid[]) AND status = 'running'`, [ids]);
}

/** What an ended import's webhook (import.completed / import.failed) says. */
interface EndedImport {
  id: string; tenant_id: string; campaign_id: string; status: string; error: string | null;
  rows_read: number | string; accepted: number | string; rejected: number | string; duplicates: number | string; dnc_suppressed: number | string;
}
const ENDED_COLUMNS = 'id, tenant_id, campaign_id, status, error, rows_read, accepted, rejected, duplicates, dnc_suppressed';

/** import.completed / import.failed, written in the transaction that ends the import. */
async function announceEnded(m: EntityManager, rows: EndedImport[]): Promise<void> {
  await recordOutboundEvents(m, rows.filter((r) => r.status === 'completed' || r.status === 'failed').map((r) => importEndedEvent({
    tenantId: r.tenant_id, campaignId: r.campaign_id, importId: r.id, ok: r.status === 'completed', error: r.error,
    counts: {
      rowsRead: Number(r.rows_read), accepted: Number(r.accepted), rejected: Number(r.rejected), duplicates: Number(r.duplicates),
      dncSuppressed: Number(r.dnc_suppressed),
    },
  })));
}

/** Ends a claimed run; only while this process still holds the claim. */
export async function finishImport(
  ds: DataSource, id: string, claim: number, status: 'completed' | 'failed' | 'pending', error: string | null,
): Promise<boolean> {
  return ds.transaction(async (m) => {
    const { rows } = await mutate<EndedImport>(m,
      `UPDATE import_jobs SET status = $3, error = $4, finished_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END,
              heartbeat_at = CASE WHEN $3 = 'pending' THEN NULL ELSE heartbeat_at END
        WHERE id = $1 AND claims = $2 AND status = 'running' RETURNING ${ENDED_COLUMNS}`,
      [id, claim, status, error]);
    await announceEnded(m, rows);
    return rows.length === 1;
  });
}

export async function failImport(ds: DataSource, id: string, error: string): Promise<void> {
  await ds.transaction(async (m) => {
    const { rows } = await mutate<EndedImport>(m,
      `UPDATE import_jobs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 RETURNING ${ENDED_COLUMNS}`, [id, error]);
    await announceEnded(m, rows);
  });
}

export async function cancelImport(ds: DataSource, tenantId: string, id: string): Promise<ImportJobRow | undefined> {
  const rows = await queryRows<ImportJobRow>(ds,
    `UPDATE import_jobs SET status = 'cancelled', finished_at = now(), error = 'cancelled by request'
      WHERE id = $1 AND tenant_id = $2 AND status IN ('pending','running') RETURNING ${JOB_COLUMNS}`, [id, tenantId]);
  return rows[0];
}

/** A failed import goes back to pending (resumes after its last committed row). */
export async function reopenImport(ds: DataSource, tenantId: string, id: string): Promise<ImportJobRow | undefined> {
  const rows = await queryRows<ImportJobRow>(ds,
    `UPDATE import_jobs SET status = 'pending', finished_at = NULL, error = NULL, claims = 0
      WHERE id = $1 AND tenant_id = $2 AND status = 'failed' AND file_bytes IS NOT NULL RETURNING ${JOB_COLUMNS}`, [id, tenantId]);
  return rows[0];
}

export const STAGING_DDL = `CREATE TEMP TABLE IF NOT EXISTS import_staging (
  row_no int NOT NULL, phone_e164 text, raw_phone text, err_column text, err_value text, err_reason text,
  first_name text, last_name text, email text, timezones text[], custom jsonb, first_row int,
  warn_column text, warn_value text, warn_reason text, consent jsonb
) ON COMMIT DELETE ROWS`;

/**
 * Is staged row `s` on the tenant's or the campaign's do-not-call list? One index probe per row
 * (dncHit); the InitPlan in front skips the probes when the tenant has no list at all.
 */
const DNC_HIT = `((SELECT EXISTS (SELECT 1 FROM dnc_entries WHERE tenant_id = $1))
   AND ${dncHit({ tenant: '$1', phone: 's.phone_e164', campaign: '$2' })})`;

/**
 * A file with consent columns: each new lead's consent record, from its staged row (only then: a file
 * without them pays nothing for it). The staged rows are hashed by number, as the report does.
 */
const CONSENTS_CTE = `, consents AS (
       INSERT INTO lead_consents (tenant_id, lead_id, type, granted_at, source, consent_text, recorded_via)
       SELECT $1, i.id, s.consent ->> 'type', (s.consent ->> 'grantedAt')::timestamptz, s.consent ->> 'source', s.consent ->> 'text', 'import'
         FROM ins i JOIN import_staging s ON s.phone_e164 = i.phone_e164 AND s.first_row IS NULL
        WHERE s.consent IS NOT NULL
     )`;

/**
 * Moves the staged batch into leads and the report, set-based, in the caller's transaction: the
 * first row of each number in the batch is a candidate (repeats carry `first_row`, set while the
 * batch was prepared); DNC numbers (tenant list and campaign list) are suppressed; ON CONFLICT skips
 * numbers already in the campaign (earlier batches of this file or other imports). Every row that is
 * not a lead gets its report line with the reason, and a lead kept without an invalid optional value
 * its warning line. A row's consent columns become the new lead's consent record.
 *
 * Plans that cannot go wrong on tables without statistics (the temp staging table never has any, a
 * fresh campaign's leads neither): the insert reads the staging table once with a per-row DNC probe
 * and the unique index as the ON CONFLICT arbiter; the report hashes what was inserted (at most a
 * batch) and probes leads by the unique index only for the few rows that were not.
 */
export async function loadStagedBatch(
  m: EntityManager, t: { tenantId: string; campaignId: string; importId: string; phoneColumn: string; withConsent?: boolean },
): Promise<StagedBatchCounts> {
  const rows: Array<{ accepted: number; rejected: number; duplicates: number; dnc: number }> = await m.query(
    `WITH ins AS (
       INSERT INTO leads (tenant_id, campaign_id, phone_e164, first_name, last_name, email, timezones, custom, import_id)
       SELECT $1, $2, s.phone_e164, s.first_name, s.last_name, s.email, s.timezones, s.custom, $3
         FROM import_staging s
        WHERE s.phone_e164 IS NOT NULL AND s.first_row IS NULL AND NOT ${DNC_HIT}
       ON CONFLICT (campaign_id, phone_e164) DO NOTHING
       RETURNING id, phone_e164
     )${t.withConsent ? CONSENTS_CTE : ''}, rest AS MATERIALIZED (
       SELECT s.row_no, s.phone_e164, s.raw_phone, s.err_column, s.err_value, s.err_reason, s.first_row,
              CASE WHEN s.phone_e164 IS NULL THEN 'invalid' WHEN s.first_row IS NOT NULL THEN 'duplicate'
                   WHEN ${DNC_HIT} THEN 'dnc' ELSE 'duplicate' END AS kind
         FROM import_staging s
         LEFT JOIN ins i ON i.phone_e164 = s.phone_e164 AND s.first_row IS NULL
        WHERE s.phone_e164 IS NULL OR s.first_row IS NOT NULL OR i.phone_e164 IS NULL
     ), report AS (
       INSERT INTO import_errors (import_id, tenant_id, row_no, kind, column_name, value, reason)
       SELECT $3, $1, r.row_no, r.kind,
              CASE WHEN r.kind = 'invalid' THEN COALESCE(r.err_column, '') ELSE $4 END,
              CASE WHEN r.kind = 'invalid' THEN r.err_value ELSE r.raw_phone END,
              CASE WHEN r.kind = 'invalid' THEN r.err_reason
                   WHEN r.kind = 'dnc' THEN 'the number is on the do-not-call list'
                   WHEN r.first_row IS NOT NULL THEN 'duplicate: the same number is on row ' || r.first_row
                   WHEN (SELECT l.import_id FROM leads l WHERE l.campaign_id = $2 AND l.phone_e164 = r.phone_e164) = $3
                        THEN 'duplicate: the same number is on an earlier row of this file'
                   ELSE 'duplicate: the number is already a lead of this campaign' END
         FROM rest r
       UNION ALL
       -- A lead kept without an invalid optional value: its warning line.
       SELECT $3, $1, s.row_no, 'warning', COALESCE(s.warn_column, ''), s.warn_value, s.warn_reason
         FROM import_staging s
         JOIN ins i ON i.phone_e164 = s.phone_e164
        WHERE s.warn_reason IS NOT NULL AND s.first_row IS NULL
       RETURNING kind
     )
     SELECT (SELECT count(*) FROM ins)::int AS accepted,
            (SELECT count(*) FROM report WHERE kind = 'invalid')::int AS rejected,
            (SELECT count(*) FROM report WHERE kind = 'duplicate')::int AS duplicates,
            (SELECT count(*) FROM report WHERE kind = 'dnc')::int AS dnc`,
    [t.tenantId, t.campaignId, t.importId, t.phoneColumn]);
  const r = rows[0]!;
  return { accepted: r.accepted, rejected: r.rejected, duplicates: r.duplicates, dnc: r.dnc };
}

/**
 * Records a committed batch on the job, in the batch's transaction. Fails (returns false) when the
 * run lost its claim, was cancelled, or another run moved past `fromRow`: the caller rolls back.
 */
export async function recordBatch(
  m: EntityManager, id: string, claim: number, fromRow: number, toRow: number, rows: number, c: StagedBatchCounts,
  countries: Record<string, number> = {},
): Promise<boolean> {
  const { count } = await mutate(m,
    `UPDATE import_jobs SET last_row = $4, rows_read = rows_read + $5, accepted = accepted + $6, rejected = rejected + $7,
            duplicates = duplicates + $8, dnc_suppressed = dnc_suppressed + $9, heartbeat_at = now(),
            countries = (SELECT COALESCE(jsonb_object_agg(k, n), '{}'::jsonb)
                           FROM (SELECT k, sum(n)::int AS n
                                   FROM (SELECT key AS k, value::int AS n FROM jsonb_each_text(countries)
                                         UNION ALL SELECT key, value::int FROM jsonb_each_text($10::jsonb)) AS both_counts
                                  GROUP BY k) AS summed)
      WHERE id = $1 AND claims = $2 AND last_row = $3 AND status = 'running'`,
    [id, claim, fromRow, toRow, rows, c.accepted, c.rejected, c.duplicates, c.dnc, JSON.stringify(countries)]);
  return count === 1;
}

export interface ImportErrorRow {
  row: number;
  kind: 'invalid' | 'duplicate' | 'dnc' | 'warning';
  column: string;
  value: string | null;
  reason: string;
}

/** Report lines after `afterRow`, in row order (keyset pages). */
export async function importErrorsPage(ds: DataSource, tenantId: string, importId: string, afterRow: number, limit: number): Promise<ImportErrorRow[]> {
  return ds.query(
    `SELECT row_no AS row, kind, column_name AS column, value, reason FROM import_errors
      WHERE import_id = $1 AND tenant_id = $2 AND row_no > $3 ORDER BY row_no LIMIT $4`,
    [importId, tenantId, afterRow, limit]);
}

/** The uploaded file's name, as the client sent it (shown with the import). */
export async function setImportFilename(ds: DataSource, importId: string, filename: string | null): Promise<void> {
  await ds.query(`UPDATE import_jobs SET filename = $2 WHERE id = $1`, [importId, filename]);
}
