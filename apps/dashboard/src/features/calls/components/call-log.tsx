import { ErrorMessage, Loading } from '../../../components/feedback';
import { FieldRow, SelectField } from '../../../components/field';
import { Pager } from '../../../components/pager';
import { useCursorPages } from '../../../components/use-cursor-pages';
import { formatDateTime, formatDuration } from '../../../lib/format';
import { setSearch, useLocation } from '../../../lib/router';
import { isOutcome, OUTCOMES } from '../../campaigns/api/campaign-status';
import { useCalls } from '../api/get-calls';
import { CallDialog } from './call-dialog';

export const outcomeLabel = (o: string | null): string => (o ? o.replace(/_/g, ' ') : '—');

/** The campaign's calls, newest first; ?outcome= filters, ?call= opens one. */
export function CallLog({ campaignId }: { campaignId: string }) {
  const { search } = useLocation();
  const o = search.get('outcome');
  const outcome = isOutcome(o) ? o : undefined;
  const openCall = search.get('call');
  const pages = useCursorPages(outcome ?? '');
  const calls = useCalls(campaignId, { outcome, cursor: pages.cursor });
  const rows = calls.data?.data ?? [];

  return (
    <>
      <FieldRow>
        <SelectField label="Outcome" value={outcome ?? ''} onChange={(e) => setSearch({ outcome: e.target.value })}>
          <option value="">All outcomes</option>
          {OUTCOMES.map((o) => <option key={o} value={o}>{outcomeLabel(o)}</option>)}
        </SelectField>
      </FieldRow>
      <ErrorMessage error={calls.error} />
      {calls.isPending ? <Loading label="Loading calls…" /> : (
        <table aria-label="Call log">
          <thead>
            <tr>
              <th scope="col">Time</th><th scope="col">Name</th><th scope="col">Number</th><th scope="col">Outcome</th>
              <th scope="col" className="num">Duration</th><th scope="col" className="num">Attempt</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? <tr><td colSpan={6} className="muted">No calls{outcome ? ' with this outcome' : ' yet'}.</td></tr> : null}
            {rows.map((c) => (
              <tr key={c.id} className="clickable" onClick={() => setSearch({ call: c.id }, { replace: false })}>
                <td>
                  <button type="button" className="link-button" onClick={(e) => { e.stopPropagation(); setSearch({ call: c.id }, { replace: false }); }}
                    aria-label={`Open call of ${formatDateTime(c.dialedAt ?? c.createdAt)}`}>
                    {formatDateTime(c.dialedAt ?? c.createdAt)}
                  </button>
                </td>
                <td>{[c.lead.firstName, c.lead.lastName].filter(Boolean).join(' ') || <span className="muted">—</span>}</td>
                <td className="mono">{c.lead.phoneE164}</td>
                <td>{c.outcome ? outcomeLabel(c.outcome) : <span className="muted">{c.status.replace(/_/g, ' ')}</span>}</td>
                <td className="num">{formatDuration(c.durationSeconds)}</td>
                <td className="num">{c.attemptNo}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Call log pages" page={pages.page} hasNext={Boolean(calls.data?.nextCursor)} onPrevious={pages.previous} onNext={() => pages.next(calls.data?.nextCursor)} />
      <CallDialog callId={openCall} onClose={() => setSearch({ call: null })} />
    </>
  );
}
