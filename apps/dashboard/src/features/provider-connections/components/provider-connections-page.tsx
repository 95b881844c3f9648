import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage, Loading, Notice, Panel } from '../../../components/feedback';
import { SelectField, TextField } from '../../../components/field';
import { formatDateTime } from '../../../lib/format';
import { usePermission } from '../../auth/use-permission';
import { useCreateProviderConnection, type CreateConnectionBody } from '../api/create-provider-connection';
import { useProviderConnections } from '../api/get-provider-connections';

type Type = 'twilio' | 'vapi' | 'exotel';

/** The credential fields of each provider (secrets are stored encrypted and never shown again). */
const FIELDS: Record<Type, Array<{ name: string; label: string; secret?: boolean; optional?: boolean }>> = {
  twilio: [{ name: 'accountSid', label: 'Account SID' }, { name: 'authToken', label: 'Auth token', secret: true }, { name: 'fromNumber', label: 'From number (E.164)' }],
  vapi: [{ name: 'apiKey', label: 'API key', secret: true }, { name: 'assistantId', label: 'Assistant ID' }, { name: 'phoneNumberId', label: 'Phone number ID' }],
  exotel: [{ name: 'accountSid', label: 'Account SID' }, { name: 'apiKey', label: 'API key', secret: true }, { name: 'apiToken', label: 'API token', secret: true },
    { name: 'callerId', label: 'Caller ID (ExoPhone)' }, { name: 'flowUrl', label: 'Flow URL' }],
};

/** The request body of the chosen provider (the document's TwilioConnectionDto / VapiConnectionDto / ExotelConnectionDto). */
function toBody(type: Type, values: Record<string, string>): CreateConnectionBody {
  const v = (k: string): string => values[k]?.trim() ?? '';
  const common = { name: v('name'), ...(v('baseUrl') ? { baseUrl: v('baseUrl') } : {}) };
  switch (type) {
    case 'twilio': return { type, ...common, accountSid: v('accountSid'), authToken: v('authToken'), fromNumber: v('fromNumber') };
    case 'vapi': return { type, ...common, apiKey: v('apiKey'), assistantId: v('assistantId'), phoneNumberId: v('phoneNumberId') };
    case 'exotel': return { type, ...common, accountSid: v('accountSid'), apiKey: v('apiKey'), apiToken: v('apiToken'), callerId: v('callerId'), ...(v('flowUrl') ? { flowUrl: v('flowUrl') } : {}) };
  }
}

function CreateForm() {
  const create = useCreateProviderConnection();
  const [type, setType] = useState<Type>('twilio');
  const [values, setValues] = useState<Record<string, string>>({});
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    create.mutate(toBody(type, values), { onSuccess: () => setValues({}) });
  };
  const set = (k: string, v: string): void => setValues((s) => ({ ...s, [k]: v }));
  return (
    <Panel title="New connection">
      <form onSubmit={submit} style={{ maxWidth: '32rem' }}>
        <SelectField label="Provider" value={type} onChange={(e) => setType(e.target.value as Type)}>
          <option value="twilio">Twilio</option><option value="vapi">Vapi</option><option value="exotel">Exotel</option>
        </SelectField>
        <TextField label="Name" value={values.name ?? ''} onChange={(e) => set('name', e.target.value)} required maxLength={200} />
        {FIELDS[type].map((f) => (
          <TextField key={`${type}-${f.name}`} label={f.label} type={f.secret ? 'password' : 'text'} autoComplete="off"
            value={values[f.name] ?? ''} onChange={(e) => set(f.name, e.target.value)} required={!f.optional} />
        ))}
        <TextField label="Base URL (optional)" type="url" hint="Only for a stand-in such as provider-sim." value={values.baseUrl ?? ''} onChange={(e) => set('baseUrl', e.target.value)} />
        <ErrorMessage error={create.error} />
        {create.isSuccess ? <Notice>Connection “{create.data.name}” created.</Notice> : null}
        <Button type="submit" variant="primary" disabled={create.isPending}>Create connection</Button>
      </form>
    </Panel>
  );
}

export default function ProviderConnectionsPage() {
  const canWrite = usePermission('connections:write');
  const list = useProviderConnections();
  return (
    <>
      <h1>Provider connections</h1>
      <ErrorMessage error={list.error} />
      {list.isPending ? <Loading /> : (
        <table aria-label="Provider connections">
          <thead><tr><th scope="col">Name</th><th scope="col">Provider</th><th scope="col">Base URL</th><th scope="col">Created</th></tr></thead>
          <tbody>
            {list.data?.length ? null : <tr><td colSpan={4} className="muted">No connections yet.</td></tr>}
            {list.data?.map((c) => <tr key={c.id}><td>{c.name}</td><td>{c.type}</td><td>{c.baseUrl ?? 'default'}</td><td>{formatDateTime(c.createdAt)}</td></tr>)}
          </tbody>
        </table>
      )}
      {canWrite ? <CreateForm /> : null}
    </>
  );
}
