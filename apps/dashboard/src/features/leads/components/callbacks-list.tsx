import { ErrorMessage, Loading } from '../../../components/feedback';
import { Pager } from '../../../components/pager';
import { useCursorPages } from '../../../components/use-cursor-pages';
import { formatDateTime } from '../../../lib/format';
import { useCallbacks } from '../api/get-callbacks';

const MOVED: Record<string, string> = { outside_window: 'moved into calling hours', in_the_past: 'asked for a past time' };

/** The campaign's upcoming callbacks: who, when in the callee's own time, and whether the time was moved. */
export function CallbacksList({ campaignId }: { campaignId: string }) {
  const pages = useCursorPages('');
  const callbacks = useCallbacks(campaignId, pages.cursor);
  const rows = callbacks.data?.data ?? [];
  return (
    <>
      <ErrorMessage error={callbacks.error} />
      {callbacks.isPending ? <Loading label="Loading callbacks…" /> : (
        <table aria-label="Upcoming callbacks">
          <thead>
            <tr><th scope="col">Lead</th><th scope="col">Due</th><th scope="col">Callee's time</th><th scope="col">Asked by</th></tr>
          </thead>
          <tbody>
            {rows.length === 0 ? <tr><td colSpan={4} className="muted">No callbacks scheduled.</td></tr> : null}
            {rows.map((c) => (
              <tr key={c.id}>
                <td>{c.leadName ?? '—'}</td>
                <td>{formatDateTime(c.dueAt)}{c.moved ? <span className="muted"> ({MOVED[c.moved] ?? c.moved})</span> : null}</td>
                <td>{c.localDueAt.slice(0, 16).replace('T', ' ')} <span className="muted">{c.timezone}</span></td>
                <td>{c.source}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Callback pages" page={pages.page} hasNext={Boolean(callbacks.data?.nextCursor)} onPrevious={pages.previous} onNext={() => pages.next(callbacks.data?.nextCursor)} />
    </>
  );
}
