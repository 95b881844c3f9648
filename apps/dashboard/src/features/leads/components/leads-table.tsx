import { useState } from 'react';
import { ErrorMessage, Loading } from '../../../components/feedback';
import { FieldRow, SelectField, TextField } from '../../../components/field';
import { Pager } from '../../../components/pager';
import { useCursorPages } from '../../../components/use-cursor-pages';
import { formatDateTime } from '../../../lib/format';
import { LEAD_STATUSES, useLeads, type LeadListQuery } from '../api/get-leads';

export function LeadsTable({ campaignId }: { campaignId: string }) {
  const [status, setStatus] = useState<LeadListQuery['status']>();
  const [phone, setPhone] = useState('');
  const phoneQuery = /^\+?\d{1,15}$/.test(phone.trim()) ? phone.trim() : undefined;
  const pages = useCursorPages(`${status ?? ''}|${phoneQuery ?? ''}`);
  const leads = useLeads(campaignId, { status, phone: phoneQuery, cursor: pages.cursor });
  const rows = leads.data?.data ?? [];
  return (
    <>
      <FieldRow>
        <SelectField label="Lead status" value={status ?? ''} onChange={(e) => setStatus((e.target.value || undefined) as LeadListQuery['status'])}>
          <option value="">All</option>
          {LEAD_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
        </SelectField>
        <TextField label="Phone starts with" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+1415" />
      </FieldRow>
      <ErrorMessage error={leads.error} />
      {leads.isPending ? <Loading label="Loading leads…" /> : (
        <table aria-label="Leads">
          <thead>
            <tr>
              <th scope="col">Name</th><th scope="col">Phone</th><th scope="col">Status</th><th scope="col" className="num">Attempts</th>
              <th scope="col">Disposition</th><th scope="col">Next attempt</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? <tr><td colSpan={6} className="muted">No leads.</td></tr> : null}
            {rows.map((l) => (
              <tr key={l.id}>
                <td>{[l.firstName, l.lastName].filter(Boolean).join(' ') || '—'}</td>
                <td>{l.phoneE164}</td>
                <td>{l.status}</td>
                <td className="num">{l.attempts}</td>
                <td>{l.disposition?.replace(/_/g, ' ') ?? '—'}{l.qualified ? ' (qualified)' : ''}</td>
                <td>{l.status === 'done' ? '—' : formatDateTime(l.nextAttemptAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Lead pages" page={pages.page} hasNext={Boolean(leads.data?.nextCursor)} onPrevious={pages.previous} onNext={() => pages.next(leads.data?.nextCursor)} />
    </>
  );
}
