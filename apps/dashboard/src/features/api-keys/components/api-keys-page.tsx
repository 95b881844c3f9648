import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage, Loading, Panel } from '../../../components/feedback';
import { FieldRow, SelectField, TextField } from '../../../components/field';
import { formatDateTime } from '../../../lib/format';
import { useCreateApiKey } from '../api/create-api-key';
import { useApiKeys } from '../api/get-api-keys';
import { useRevokeApiKey } from '../api/revoke-api-key';

type Role = 'admin' | 'manager' | 'viewer';

export default function ApiKeysPage() {
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    create.mutate({ name: name.trim(), role }, { onSuccess: () => setName('') });
  };
  return (
    <>
      <h1>API keys</h1>
      <Panel title="New API key">
        <form onSubmit={submit}>
          <FieldRow>
            <TextField label="Key name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
            <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <option value="viewer">viewer</option><option value="manager">manager</option><option value="admin">admin</option>
            </SelectField>
            <Button type="submit" variant="primary" disabled={create.isPending}>Create key</Button>
          </FieldRow>
        </form>
        <ErrorMessage error={create.error} />
        {create.data ? (
          <div role="status" style={{ marginTop: '0.75rem' }}>
            <p><strong>Copy this key now: it is shown only once.</strong></p>
            <TextField label="New API key" readOnly value={create.data.apiKey} onFocus={(e) => e.target.select()} style={{ width: '100%', fontFamily: 'monospace' }} />
            <Button size="small" onClick={() => void navigator.clipboard?.writeText(create.data.apiKey)}>Copy key</Button>
          </div>
        ) : null}
      </Panel>
      <ErrorMessage error={keys.error ?? revoke.error} />
      {keys.isPending ? <Loading /> : (
        <table aria-label="API keys">
          <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th></tr></thead>
          <tbody>
            {keys.data?.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td><td><code>{k.prefix}</code></td><td>{k.role}</td><td>{formatDateTime(k.createdAt)}</td><td>{formatDateTime(k.lastUsedAt)}</td>
                <td>{k.revokedAt ? `revoked ${formatDateTime(k.revokedAt)}` : (
                  <Button size="small" variant="danger" aria-label={`Revoke ${k.name}`} disabled={revoke.isPending}
                    onClick={() => { if (window.confirm(`Revoke the key “${k.name}”? Clients using it stop working at once.`)) revoke.mutate(k.id); }}>Revoke</Button>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
