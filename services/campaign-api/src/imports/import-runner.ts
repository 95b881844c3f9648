import { existsSync } from 'node:fs';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from '@dialer/db';
import { AppError, PeriodicTask, type Logger } from '@dialer/platform';
import {
  claimImport, failAbandonedUploads, failImport, finishImport, heartbeat, type ImportJobRow,
} from './imports.repository';
import { PreparePool } from './prepare-pool';
import { ImportPreempted, runImport, type RunImportDeps, type RunTotals } from './run-import';

export interface ImportRunnerOptions {
  ds: DataSource;
  logger: Logger;
  /** Where uploads are stored until their import ends. */
  dir: string;
  batchRows: number;
  workers: number;
  /** A running import whose heartbeat is older than this belongs to a dead process and is resumed. */
  staleMs: number;
  pollMs: number;
  /** Claims before an import that keeps dying is failed. */
  maxClaims: number;
  /** Test hook, see RunImportDeps. */
  beforeCommit?: RunImportDeps['beforeCommit'];
}

export type RunOutcome = { status: 'completed'; totals: RunTotals } | { status: 'failed'; error: AppError | Error } | { status: 'stopped' };

/**
 * Runs imports inside campaign-api. An upload is claimed at once by the process that stored it; a
 * poll loop also claims imports left pending, and running imports whose process died (stale
 * heartbeat) — they resume after their last committed batch. On stop, running imports finish their
 * current batch and go back to pending, so the next start resumes them at once.
 */
export class ImportRunner {
  private readonly pool: PreparePool;
  private readonly running = new Map<string, { abort: AbortController; done: Promise<RunOutcome> }>();
  private readonly loop: PeriodicTask;
  private stopped = false;

  constructor(private readonly o: ImportRunnerOptions) {
    this.pool = new PreparePool(o.workers, o.logger);
    this.loop = new PeriodicTask('import runner', o.pollMs, () => this.tick(), o.logger);
  }

  filePath(importId: string): string {
    return path.join(this.o.dir, `${importId}.csv`);
  }

  async start(): Promise<void> {
    await ensureWritableDir(this.o.dir);
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop.stop();
    for (const r of this.running.values()) r.abort.abort();
    await Promise.all([...this.running.values()].map((r) => r.done));
    await this.pool.close();
  }

  /** Runs an import this process has claimed; resolves when it ends (the synchronous CSV endpoint awaits it). */
  run(job: ImportJobRow): Promise<RunOutcome> {
    return this.launch(job);
  }

  /** Claims the import (when still claimable) and runs it in the background. */
  submit(importId: string): void {
    claimImport(this.o.ds, this.o.staleMs, importId)
      .then((job) => (job ? this.launch(job) : undefined))
      .catch((err: unknown) => this.o.logger.error({ err, importId }, 'import could not start'));
  }

  /** Stops a local run of a cancelled import at once (its next commit would be refused anyway). */
  async abort(importId: string): Promise<void> {
    const r = this.running.get(importId);
    if (r) r.abort.abort();
    else await unlink(this.filePath(importId)).catch(() => undefined);
  }

  private async tick(): Promise<void> {
    await failAbandonedUploads(this.o.ds, this.o.staleMs);
    await heartbeat(this.o.ds, [...this.running.keys()]);
    while (!this.stopped && this.running.size < 2) {
      const job = await claimImport(this.o.ds, this.o.staleMs);
      if (!job) return;
      if (job.claims > 1) this.o.logger.warn({ importId: job.id, lastRow: job.last_row, claims: job.claims }, 'resuming an import');
      void this.launch(job);
    }
  }

  private launch(job: ImportJobRow): Promise<RunOutcome> {
    const abort = new AbortController();
    const done = this.execute(job, abort.signal).finally(() => this.running.delete(job.id));
    this.running.set(job.id, { abort, done });
    return done;
  }

  private async execute(job: ImportJobRow, signal: AbortSignal): Promise<RunOutcome> {
    const log = this.o.logger.child({ importId: job.id, campaignId: job.campaign_id });
    const { ds } = this.o;
    if (job.claims > this.o.maxClaims) {
      const msg = `the import was started ${job.claims - 1} times and never finished; it stopped after row ${job.last_row}`;
      await failImport(ds, job.id, msg);
      return { status: 'failed', error: new Error(msg) };
    }
    if (!job.file_path || !existsSync(job.file_path)) {
      const msg = 'the uploaded file is no longer in IMPORT_DIR (removed, or stored on another host); upload it again';
      await failImport(ds, job.id, msg);
      return { status: 'failed', error: new Error(msg) };
    }
    try {
      const totals = await runImport({ ds, pool: this.pool, batchRows: this.o.batchRows, signal, beforeCommit: this.o.beforeCommit, logger: log }, job);
      await finishImport(ds, job.id, job.claims, 'completed', null);
      await unlink(job.file_path).catch(() => undefined);
      log.info({ ...totals }, 'import completed');
      return { status: 'completed', totals };
    } catch (err) {
      if (err instanceof ImportPreempted) {
        // Shutdown: back to pending for the next start. Cancelled or taken over: nothing to record.
        if (this.stopped) await finishImport(ds, job.id, job.claims, 'pending', null).catch(() => undefined);
        else if (signal.aborted) await unlink(job.file_path).catch(() => undefined); // cancelled here
        log.info({ reason: err.message }, 'import run stopped');
        return { status: 'stopped' };
      }
      const clientError = err instanceof AppError && err.status < 500;
      const message = err instanceof AppError ? err.message : 'the import failed (see the campaign-api log); committed batches are kept and it can be resumed';
      await finishImport(ds, job.id, job.claims, 'failed', message).catch((e: unknown) => log.error({ err: e }, 'could not record the failed import'));
      log[clientError ? 'info' : 'error']({ err: clientError ? { code: (err as AppError).code } : err }, 'import failed');
      return { status: 'failed', error: err as Error };
    }
  }
}

const CAUSES: Record<string, string> = {
  EROFS: 'the filesystem is read-only (a read-only root filesystem? mount a writable volume there)',
  EACCES: 'permission denied for this user',
  EPERM: 'operation not permitted for this user',
  ENOTDIR: 'a part of the path is a file, not a directory',
  ENOSPC: 'no space left on the device',
};

/**
 * Creates IMPORT_DIR if needed and proves it writable (a probe file written and removed), so a
 * deployment without a writable volume fails at start naming IMPORT_DIR and the real cause rather
 * than at its first upload.
 */
export async function ensureWritableDir(dir: string): Promise<void> {
  const abs = path.resolve(dir);
  let step = 'create';
  try {
    await mkdir(abs, { recursive: true });
    step = 'write to';
    const probe = path.join(abs, `.write-check-${process.pid}`);
    await writeFile(probe, '');
    await unlink(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const cause = CAUSES[code] ?? (err as Error).message;
    throw new Error(`IMPORT_DIR=${dir} (${abs}) is not a writable directory: cannot ${step} it: ${code}, ${cause}. ` +
      'Set IMPORT_DIR to a writable directory (in Kubernetes, a volume mounted there; shared by all replicas).', { cause: err });
  }
}
