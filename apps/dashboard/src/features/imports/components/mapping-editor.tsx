import { useId } from 'react';
import { FIELD_LABEL, IMPORT_FIELDS, type ImportField } from '../api/import-fields';
import styles from './imports.module.css';

/** The field a column feeds, read from the mapping (field → column). */
function fieldOf(mapping: Record<string, string>, column: string): ImportField | '' {
  return IMPORT_FIELDS.find((f) => mapping[f] === column) ?? '';
}

/**
 * One row per column of the file: which lead field it fills (the mapping sent to the server is
 * field → column, so a field chosen here leaves the column that had it). Columns left unmapped are
 * kept as the lead's custom variables.
 */
export function MappingEditor({ headers, mapping, onChange }: { headers: string[]; mapping: Record<string, string>; onChange: (m: Record<string, string>) => void }) {
  const id = useId();
  const set = (column: string, field: ImportField | ''): void => {
    const next = Object.fromEntries(Object.entries(mapping).filter(([, c]) => c !== column));
    if (field) next[field] = column;
    onChange(next);
  };
  return (
    <fieldset>
      <legend>Column mapping</legend>
      <table className={styles.mappingTable}>
        <thead><tr><th scope="col">Column in the file</th><th scope="col">Lead field</th></tr></thead>
        <tbody>
          {headers.map((h, i) => (
            <tr key={h}>
              <td><label htmlFor={`${id}-${i}`}>{h}</label></td>
              <td>
                <select id={`${id}-${i}`} value={fieldOf(mapping, h)} onChange={(e) => set(h, e.target.value as ImportField | '')}>
                  <option value="">Custom variable</option>
                  {IMPORT_FIELDS.map((f) => <option key={f} value={f}>{FIELD_LABEL[f]}{f === 'phone' ? ' (required)' : ''}</option>)}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {mapping.phone ? null : <p className={styles.warning}>Choose the column with the phone number.</p>}
      <p className="muted">Columns left as custom variables are stored with each lead.</p>
    </fieldset>
  );
}
