import { SelectField } from '../../../components/field';
import { IMPORT_FIELDS } from '../api/import.types';
import styles from './imports.module.css';

const FIELD_LABEL: Record<string, string> = {
  phone: 'Phone (required)', firstName: 'First name', lastName: 'Last name', name: 'Full name', email: 'Email',
  timezone: 'Time zone', state: 'State', postalCode: 'Postal code', country: 'Country',
};

/** Field → column. Columns not mapped to a field are kept as the lead's custom variables. */
export function MappingEditor({ headers, mapping, onChange }: { headers: string[]; mapping: Record<string, string>; onChange: (m: Record<string, string>) => void }) {
  return (
    <fieldset>
      <legend>Column mapping</legend>
      <div className={styles.mapping}>
        {IMPORT_FIELDS.map((f) => (
          <SelectField key={f} label={FIELD_LABEL[f] ?? f} value={mapping[f] ?? ''} required={f === 'phone'}
            onChange={(e) => {
              const next = { ...mapping };
              if (e.target.value) next[f] = e.target.value;
              else delete next[f];
              onChange(next);
            }}>
            <option value="">— not in the file —</option>
            {headers.map((h) => <option key={h} value={h}>{h}</option>)}
          </SelectField>
        ))}
      </div>
      <p className="muted">Other columns become custom variables of each lead.</p>
    </fieldset>
  );
}
