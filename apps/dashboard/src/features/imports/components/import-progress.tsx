import { ErrorMessage } from '../../../components/feedback';
import { ProgressBar } from '../../../components/progress-bar';
import { formatInt } from '../../../lib/format';
import { useImport } from '../api/get-import';
import type { ImportJob } from '../../../lib/api-types';

/** One import: a progress bar while it runs (rows read of the rows expected, when known), its counts and the error report. */
export function ImportSummary({ job, expectedRows }: { job: ImportJob; expectedRows?: number }) {
  const running = job.status === 'pending' || job.status === 'running';
  return (
    <div>
      <p style={{ margin: '0.25rem 0' }}>
        <strong>{job.filename ?? 'upload'}</strong> — {job.status}: {formatInt(job.rowsRead)} rows read, {formatInt(job.accepted)} accepted,{' '}
        {formatInt(job.rejected)} rejected, {formatInt(job.duplicates)} duplicates, {formatInt(job.dncSuppressed)} on DNC
      </p>
      {running ? (
        expectedRows ? <ProgressBar label={`Import of ${job.filename ?? 'the file'}`} done={Math.min(job.rowsRead, expectedRows)} total={expectedRows} />
          : <div role="progressbar" aria-label={`Import of ${job.filename ?? 'the file'}`} aria-valuetext={`${job.rowsRead} rows read`} className="muted">Importing…</div>
      ) : null}
      {job.error ? <ErrorMessage error={new Error(job.error)} /> : null}
      {job.rejected > 0 || job.duplicates > 0 || job.dncSuppressed > 0 ? <a href={job.errorsUrl} download>Download the error report (CSV)</a> : null}
    </div>
  );
}

/** Follows one import until it ends. */
export function ImportProgress({ importId, expectedRows }: { importId: string; expectedRows?: number }) {
  const job = useImport(importId);
  if (job.isError) return <ErrorMessage error={job.error} />;
  if (!job.data) return <p role="status">Starting the import…</p>;
  return <ImportSummary job={job.data} expectedRows={expectedRows} />;
}
