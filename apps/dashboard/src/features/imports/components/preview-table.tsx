import type { ImportPreview } from '../api/import.types';
import styles from './imports.module.css';

/** The sample of a preview: the prepared rows and the refused ones with their reasons. */
export function PreviewTable({ preview }: { preview: ImportPreview }) {
  const cols = ['row', 'phone', 'firstName', 'lastName', 'email', 'timezones'];
  return (
    <>
      <p className="muted">Encoding {preview.encoding}, delimiter “{preview.delimiter === '\t' ? 'tab' : preview.delimiter}”, {preview.headers.length} columns.</p>
      <div className={styles.scroll}>
        <table aria-label="Sample rows">
          <thead><tr>{cols.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
          <tbody>
            {preview.sampleRows.slice(0, 10).map((r) => (
              <tr key={r.row}>{cols.map((c) => <td key={c}>{Array.isArray(r[c]) ? (r[c] as string[]).join(', ') : String(r[c] ?? r[c === 'phone' ? 'phoneE164' : c] ?? '—')}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.sampleErrors.length ? (
        <>
          <h3>Rows that would be refused</h3>
          <ul>{preview.sampleErrors.slice(0, 10).map((e, i) => <li key={i}>Row {e.row}{e.column ?? e.field ? ` (${e.column ?? e.field})` : ''}: {e.reason}</li>)}</ul>
        </>
      ) : null}
    </>
  );
}
