import type { ImportPreview } from '../../../lib/api-types';
import styles from './imports.module.css';

/** The sample of a server preview: the prepared rows and the refused ones with their reasons. */
export function PreviewTable({ preview }: { preview: ImportPreview }) {
  const custom = preview.customColumns.slice(0, 4);
  return (
    <>
      <p className="muted">
        Encoding {preview.encoding}, delimiter “{preview.delimiter === '\t' ? 'tab' : preview.delimiter}”, {preview.headers.length} columns
        {preview.headers.length ? `: ${preview.headers.join(', ')}` : ''}.
      </p>
      <h3>Sample rows as they would be imported</h3>
      <div className={styles.scroll}>
        <table aria-label="Sample rows">
          <thead>
            <tr>
              <th scope="col" className="num">Row</th><th scope="col">Phone</th><th scope="col">First name</th><th scope="col">Last name</th>
              <th scope="col">Email</th><th scope="col">Time zones</th>
              {custom.map((c) => <th key={c} scope="col">{c}</th>)}
            </tr>
          </thead>
          <tbody>
            {preview.sampleRows.length === 0 ? <tr><td colSpan={6 + custom.length} className="muted">No row of the sample could be imported.</td></tr> : null}
            {preview.sampleRows.slice(0, 10).map((r) => (
              <tr key={r.row}>
                <td className="num">{r.row}</td><td>{r.phoneE164}</td><td>{r.firstName ?? '—'}</td><td>{r.lastName ?? '—'}</td>
                <td>{r.email ?? '—'}</td><td>{r.timezones.join(', ') || '—'}</td>
                {custom.map((c) => <td key={c}>{customText(r.custom[c])}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.sampleErrors.length ? (
        <>
          <h3>Rows that would be refused</h3>
          <ul aria-label="Sample errors">
            {preview.sampleErrors.slice(0, 10).map((e, i) => (
              <li key={i}>Row {e.row}{e.column ? ` (${e.column}${e.value ? `: “${e.value}”` : ''})` : ''}: {e.reason}</li>
            ))}
          </ul>
        </>
      ) : <p className="muted">No error in the sample.</p>}
    </>
  );
}

/** A custom value as a cell: free text as is, a lead schema's typed value written out (a list joined). */
function customText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.join(', ');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
