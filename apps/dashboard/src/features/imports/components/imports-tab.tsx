import { useState } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage, Loading, Panel } from '../../../components/feedback';
import { usePermission } from '../../auth/use-permission';
import { useImports } from '../api/get-imports';
import { usePreviewImport } from '../api/preview-import';
import { useStartImport } from '../api/start-import';
import type { Campaign, ImportPreview } from '../../../lib/api-types';
import { CsvDropZone } from './csv-drop-zone';
import { ImportSummary } from './import-progress';
import { MappingEditor } from './mapping-editor';
import { PreviewTable } from './preview-table';

function Upload({ campaign }: { campaign: Campaign }) {
  const campaignId = campaign.id;
  const target = { defaultCountry: campaign.defaultCountry, complianceMode: campaign.complianceMode };
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const previewing = usePreviewImport();
  const starting = useStartImport();

  const choose = (f: File): void => {
    setFile(f);
    setPreview(null);
    starting.reset();
    previewing.mutate({ ...target, file: f }, {
      onSuccess: (p) => {
        setPreview(p);
        setMapping(p.mapping);
      },
    });
  };
  const check = (): void => {
    if (file) previewing.mutate({ ...target, file, mapping }, { onSuccess: setPreview });
  };
  const start = (): void => {
    if (file) starting.mutate({ campaignId, file, mapping }, { onSuccess: () => { setFile(null); setPreview(null); } });
  };

  return (
    <Panel title="Import leads from CSV" headingLevel={3}>
      <CsvDropZone file={file} onFile={choose} />
      {previewing.isPending ? <Loading label="Reading the file…" /> : null}
      <ErrorMessage error={previewing.error ?? starting.error} />
      {preview ? (
        <>
          <MappingEditor headers={preview.headers} mapping={mapping} onChange={setMapping} />
          <Button onClick={check} disabled={previewing.isPending}>Check the mapping</Button>{' '}
          <Button variant="primary" onClick={start} disabled={!mapping.phone || starting.isPending}>Import</Button>
          <PreviewTable preview={preview} />
        </>
      ) : null}
    </Panel>
  );
}

/** A campaign's imports (progress, counts, error reports) and, for those who may, a new upload. */
export function ImportsTab({ campaign, open }: { campaign: Campaign; open: boolean }) {
  const campaignId = campaign.id;
  const canWrite = usePermission('leads:write');
  const imports = useImports(campaignId);
  return (
    <>
      {canWrite && open ? <Upload campaign={campaign} /> : null}
      <h3>Imports</h3>
      <ErrorMessage error={imports.error} />
      {imports.isPending ? <Loading label="Loading imports…" /> : imports.data?.data.length ? (
        <ul style={{ listStyle: 'none', padding: 0 }}>
          {imports.data.data.map((j) => <li key={j.id} style={{ borderBottom: '1px solid var(--border)', padding: '0.5rem 0' }}><ImportSummary job={j} /></li>)}
        </ul>
      ) : <p className="muted">No imports yet.</p>}
    </>
  );
}
