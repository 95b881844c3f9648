import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage, Loading, Notice, Panel } from '../../../components/feedback';
import { FieldRow, TextAreaField, TextField } from '../../../components/field';
import { Pager } from '../../../components/pager';
import { useCursorPages } from '../../../components/use-cursor-pages';
import { formatDateTime } from '../../../lib/format';
import { usePermission } from '../../auth/use-permission';
import { useAddDnc } from '../api/add-dnc';
import { useCheckDnc } from '../api/check-dnc';
import { useDnc } from '../api/get-dnc';
import { useRemoveDnc } from '../api/remove-dnc';

function AddForm() {
  const add = useAddDnc();
  const [phone, setPhone] = useState('');
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    add.mutate({ phone: phone.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}) }, { onSuccess: () => { setPhone(''); setReason(''); } });
  };
  return (
    <Panel title="Add a number" headingLevel={2}>
      <form onSubmit={submit}>
        <FieldRow>
          <TextField label="Phone number" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} required maxLength={64} />
          <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          <Button type="submit" variant="primary" disabled={add.isPending}>Add to DNC</Button>
        </FieldRow>
      </form>
      <ErrorMessage error={add.error} />
      {add.isSuccess ? <Notice>{add.data.phoneE164} is on the list.</Notice> : null}
    </Panel>
  );
}

function CheckForm() {
  const check = useCheckDnc();
  const [phones, setPhones] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const list = phones.split(/[\s,;]+/).map((p) => p.trim()).filter(Boolean);
    if (list.length) check.mutate(list.slice(0, 1000));
  };
  return (
    <Panel title="Check numbers" headingLevel={2}>
      <form onSubmit={submit}>
        <TextAreaField label="Numbers to check" hint="One per line, or separated by commas (at most 1,000)." rows={3} value={phones} onChange={(e) => setPhones(e.target.value)} />
        <Button type="submit" disabled={check.isPending}>Check</Button>
      </form>
      <ErrorMessage error={check.error} />
      {check.data ? (
        <ul aria-label="Check results">
          {check.data.map((r, i) => <li key={i}>{r.e164 ?? r.phone}: {r.reason && !r.e164 ? r.reason : r.dnc ? `do not call (${r.scopes.join(', ')})` : 'may be called'}</li>)}
        </ul>
      ) : null}
    </Panel>
  );
}

export default function DncPage() {
  const canWrite = usePermission('dnc:write');
  const pages = useCursorPages('');
  const list = useDnc(pages.cursor);
  const remove = useRemoveDnc();
  return (
    <>
      <h1>Do not call</h1>
      {canWrite ? <AddForm /> : null}
      <CheckForm />
      <h2>Entries</h2>
      <ErrorMessage error={list.error ?? remove.error} />
      {list.isPending ? <Loading /> : (
        <table aria-label="DNC entries">
          <thead><tr><th scope="col">Number</th><th scope="col">Scope</th><th scope="col">Reason</th><th scope="col">Source</th><th scope="col">Added</th>{canWrite ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}</tr></thead>
          <tbody>
            {list.data?.data.length ? null : <tr><td colSpan={6} className="muted">The list is empty.</td></tr>}
            {list.data?.data.map((e) => (
              <tr key={e.id}>
                <td>{e.phoneE164}</td>
                <td>{e.campaignId ? 'campaign' : 'tenant'}</td>
                <td>{e.reason ?? '—'}</td>
                <td>{e.source}</td>
                <td>{formatDateTime(e.createdAt)}</td>
                {canWrite ? (
                  <td><Button size="small" variant="danger" aria-label={`Remove ${e.phoneE164}`} disabled={remove.isPending}
                    onClick={() => { if (window.confirm(`Remove ${e.phoneE164} from the DNC list?`)) remove.mutate(e.id); }}>Remove</Button></td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="DNC pages" page={pages.page} hasNext={Boolean(list.data?.nextCursor)} onPrevious={pages.previous} onNext={() => pages.next(list.data?.nextCursor)} />
    </>
  );
}
