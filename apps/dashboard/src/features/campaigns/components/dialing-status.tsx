import type { CampaignStats } from '../../../lib/api-types';
import { formatDateTime, formatInt } from '../../../lib/format';
import styles from './campaign-detail.module.css';

/**
 * The plain-words answer to "why is nothing being called?" (stats.dialing): a live region, so the
 * message the stream writes into the stats entry is announced when it changes.
 */
export function DialingStatus({ stats }: { stats: CampaignStats | undefined }) {
  const d = stats?.dialing;
  const next = d?.nextCallableAt && d.state !== 'calling'
    ? ` Next callable: ${formatDateTime(d.nextCallableAt)}${d.nextCallableLeads ? ` (${formatInt(d.nextCallableLeads)} leads)` : ''}.`
    : '';
  return (
    <p role="status" aria-label="Dialing status" className={styles.dialing} data-dialing-state={d?.state ?? 'unknown'}>
      <span className={styles.dialingLabel}>Dialing:</span>
      <span data-testid="dialing-message">{d ? `${d.message}${next}` : 'Checking…'}</span>
    </p>
  );
}
