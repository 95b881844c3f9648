import { useState } from 'react';
import { ErrorMessage, Loading } from '../../../components/feedback';
import { FieldRow, TextField } from '../../../components/field';
import { Pager } from '../../../components/pager';
import { useCursorPages } from '../../../components/use-cursor-pages';
import { formatDateTime } from '../../../lib/format';
import { useAuditLog } from '../api/get-audit-log';

function Change({ before, after }: { before: unknown; after: unknown }) {
  if (before == null && after == null) return <span className="muted">—</span>;
  return (
    <details>
      <summary>Show</summary>
      {before != null ? <><strong>Before</strong><pre className="pre">{JSON.stringify(before, null, 2)}</pre></> : null}
      {after != null ? <><strong>After</strong><pre className="pre">{JSON.stringify(after, null, 2)}</pre></> : null}
    </details>
  );
}

export default function AuditLogPage() {
  const [action, setAction] = useState('');
  const [entityType, setEntityType] = useState('');
  const q = { action: action.trim() || undefined, entityType: entityType.trim() || undefined };
  const pages = useCursorPages(`${q.action ?? ''}|${q.entityType ?? ''}`);
  const log = useAuditLog({ ...q, cursor: pages.cursor });
  return (
    <>
      <h1>Audit log</h1>
      <FieldRow>
        <TextField label="Action" hint="Exact, or a prefix ending in a dot (campaign.)" value={action} onChange={(e) => setAction(e.target.value)} />
        <TextField label="Entity type" hint="campaign, api_key, dnc_entry…" value={entityType} onChange={(e) => setEntityType(e.target.value)} />
      </FieldRow>
      <ErrorMessage error={log.error} />
      {log.isPending ? <Loading /> : (
        <table aria-label="Audit log">
          <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Entity</th><th scope="col">Change</th></tr></thead>
          <tbody>
            {log.data?.data.length ? null : <tr><td colSpan={5} className="muted">No entries.</td></tr>}
            {log.data?.data.map((a) => (
              <tr key={a.id}>
                <td>{formatDateTime(a.createdAt)}</td>
                <td>{a.userId ? `user ${a.userId.slice(0, 8)}` : a.apiKeyId ? `key ${a.apiKeyId.slice(0, 8)}` : 'system'}</td>
                <td>{a.action}</td>
                <td>{a.entityType}{a.entityId ? ` ${a.entityId.slice(0, 8)}` : ''}</td>
                <td><Change before={a.before} after={a.after} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Audit log pages" page={pages.page} hasNext={Boolean(log.data?.nextCursor)} onPrevious={pages.previous} onNext={() => pages.next(log.data?.nextCursor)} />
    </>
  );
}
