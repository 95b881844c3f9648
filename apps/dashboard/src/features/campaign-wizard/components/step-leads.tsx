import { useState } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage, Loading } from '../../../components/feedback';
import { CsvDropZone } from '../../imports/components/csv-drop-zone';
import { MappingEditor } from '../../imports/components/mapping-editor';
import { sniffCsv } from '../../imports/sniff-csv';
import type { WizardDraft } from '../model/wizard-draft';

export function StepLeads({ draft, update }: { draft: WizardDraft; update: (p: Partial<WizardDraft>) => void }) {
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const choose = (file: File): void => {
    setReading(true);
    setError(null);
    sniffCsv(file)
      .then((sniff) => update({ file, sniff, mapping: sniff.suggestedMapping }))
      .catch(setError)
      .finally(() => setReading(false));
  };
  return (
    <>
      <p>Add leads from a CSV file now, or skip this step and import them later from the campaign page.</p>
      <CsvDropZone file={draft.file} onFile={choose} />
      {reading ? <Loading label="Reading the file…" /> : null}
      <ErrorMessage error={error} />
      {draft.file && draft.sniff ? (
        <>
          <MappingEditor headers={draft.sniff.headers} mapping={draft.mapping} onChange={(mapping) => update({ mapping })} />
          <h3>First rows</h3>
          <div style={{ overflowX: 'auto' }}>
            <table aria-label="First rows of the file">
              <thead><tr>{draft.sniff.headers.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
              <tbody>{draft.sniff.sample.map((r, i) => <tr key={i}>{draft.sniff!.headers.map((_h, j) => <td key={j}>{r[j] ?? ''}</td>)}</tr>)}</tbody>
            </table>
          </div>
          <p className="muted">About {draft.sniff.estimatedRows.toLocaleString('en-US')} rows. Every row is checked when the import runs (phone, time zone, duplicates, DNC); refused rows go to an error report.</p>
          <Button onClick={() => update({ file: null, sniff: null, mapping: {} })}>Remove the file</Button>
        </>
      ) : null}
    </>
  );
}
