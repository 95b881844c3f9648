import { Button } from './button';

/**
 * Cursor paging: the cursors of the pages seen so far are kept by the caller (a stack), so
 * "Previous" goes back exactly; "Next" follows nextCursor.
 */
export function Pager({ page, hasNext, onPrevious, onNext, label }: { page: number; hasNext: boolean; onPrevious: () => void; onNext: () => void; label: string }) {
  return (
    <nav aria-label={label} style={{ display: 'flex', gap: '0.5rem', alignItems: 'center', margin: '0.75rem 0' }}>
      <Button size="small" onClick={onPrevious} disabled={page <= 1}>Previous page</Button>
      <span className="muted">Page {page}</span>
      <Button size="small" onClick={onNext} disabled={!hasNext}>Next page</Button>
    </nav>
  );
}
