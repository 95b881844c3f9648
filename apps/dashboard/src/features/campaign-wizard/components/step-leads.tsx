import { useState } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage, Loading, Notice } from '../../../components/feedback';
import { previewImport } from '../../imports/api/preview-import';
import { CsvDropZone } from '../../imports/components/csv-drop-zone';
import { MappingEditor } from '../../imports/components/mapping-editor';
import { PreviewTable } from '../../imports/components/preview-table';
import { sniffCsv } from '../../imports/sniff-csv';
import type { WizardDraft } from '../model/wizard-draft';
import { ManualLeadsEditor } from './manual-leads-editor';

/** The country the preview reads numbers with: the one chosen in Details, US by default. */
export const previewCountryOf = (d: WizardDraft): string => d.defaultCountry.trim().toUpperCase() || 'US';

/** The browser's fallback: the header and first lines as read here (the server judges every row at import). */
function SniffTable({ draft }: { draft: WizardDraft }) {
  const sniff = draft.sniff;
  if (!sniff) return null;
  return (
    <>
      <h3>First rows (read in the browser)</h3>
      <div style={{ overflowX: 'auto' }}>
        <table aria-label="First rows of the file">
          <thead><tr>{sniff.headers.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
          <tbody>{sniff.sample.map((r, i) => <tr key={i}>{sniff.headers.map((_h, j) => <td key={j}>{r[j] ?? ''}</td>)}</tr>)}</tbody>
        </table>
      </div>
    </>
  );
}

/**
 * A CSV's server preview before any campaign exists (POST /v1/imports/preview with the country of
 * step 1): encoding, delimiter, headers, suggested mapping, sample rows and errors; the mapping is
 * adjusted per column and checked again. Only if the preview fails are the columns read in the browser.
 */
export function StepLeads({ draft, update }: { draft: WizardDraft; update: (p: Partial<WizardDraft>) => void }) {
  const [busy, setBusy] = useState<'reading' | 'checking' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fallback, setFallback] = useState<unknown>(null);
  const country = previewCountryOf(draft);

  const choose = async (file: File): Promise<void> => {
    setBusy('reading');
    setError(null);
    setFallback(null);
    update({ file, preview: null, sniff: null, mapping: {} });
    const sniff = await sniffCsv(file).catch(() => null);
    try {
      const preview = await previewImport({ file, defaultCountry: country });
      update({ file, preview, previewCountry: country, sniff, mapping: preview.mapping });
    } catch (err) {
      setFallback(err);
      if (sniff) update({ file, preview: null, sniff, mapping: sniff.suggestedMapping });
      else setError(new Error('The file could not be read as CSV.'));
    } finally {
      setBusy(null);
    }
  };
  const check = async (): Promise<void> => {
    if (!draft.file) return;
    setBusy('checking');
    setError(null);
    try {
      const preview = await previewImport({ file: draft.file, defaultCountry: country, mapping: draft.mapping });
      setFallback(null);
      update({ preview, previewCountry: country });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const headers = draft.preview?.headers ?? draft.sniff?.headers ?? [];
  const stale = draft.preview && draft.previewCountry !== country;
  return (
    <>
      <p>Add leads from a CSV file now, type a few by hand below, or skip this step and import them later from the campaign page.</p>
      <CsvDropZone file={draft.file} onFile={(f) => void choose(f)} />
      {busy === 'reading' ? <Loading label="Reading the file…" /> : null}
      {busy === 'checking' ? <Loading label="Checking the mapping…" /> : null}
      <ErrorMessage error={error} />
      {fallback && draft.sniff ? (
        <Notice>The server could not preview the file ({fallback instanceof Error ? fallback.message : 'error'}); the columns below were read in the browser. Every row is still checked when the import runs.</Notice>
      ) : null}
      {draft.file && headers.length ? (
        <>
          <MappingEditor headers={headers} mapping={draft.mapping} onChange={(mapping) => update({ mapping })} />
          <Button onClick={() => void check()} disabled={busy !== null}>Check the mapping</Button>
          {stale ? <p className="muted">The default country changed to {country}: check the mapping again to see the numbers read with it.</p> : null}
          {draft.preview ? <PreviewTable preview={draft.preview} /> : <SniffTable draft={draft} />}
          {draft.sniff ? <p className="muted">About {draft.sniff.estimatedRows.toLocaleString('en-US')} rows. Every row is checked when the import runs (phone, time zone, duplicates, DNC); refused rows go to an error report.</p> : null}
          <Button onClick={() => update({ file: null, preview: null, sniff: null, mapping: {} })}>Remove the file</Button>
        </>
      ) : null}
      <h3>Type leads by hand</h3>
      <ManualLeadsEditor leads={draft.manualLeads} onChange={(manualLeads) => update({ manualLeads })} />
    </>
  );
}
