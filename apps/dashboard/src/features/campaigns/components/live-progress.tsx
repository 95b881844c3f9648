import { ProgressBar } from '../../../components/progress-bar';
import { formatDateTime, formatInt, formatPercent } from '../../../lib/format';
import type { CampaignStats } from '../../../lib/api-types';
import styles from './campaign-detail.module.css';

/** Progress and counters from the stats entry of the cache (kept current by the live stream). */
export function LiveProgress({ stats }: { stats: CampaignStats }) {
  const remaining = Math.max(0, stats.totalLeads - stats.completed);
  // [visible label, data-counter name, raw value, shown value]: tests read [data-counter] (and data-value).
  const counters: Array<[string, string, number, string]> = [
    ['Dialed', 'dialed', stats.attempts, formatInt(stats.attempts)],
    ['Live', 'live', stats.live, formatInt(stats.live)],
    ['Connected', 'connected', stats.connected, formatInt(stats.connected)],
    ['Voicemail', 'voicemail', stats.voicemail, formatInt(stats.voicemail)],
    ['Busy', 'busy', stats.busy, formatInt(stats.busy)],
    ['No answer', 'no-answer', stats.noAnswer, formatInt(stats.noAnswer)],
    ['Failed', 'failed', stats.failed, formatInt(stats.failed)],
    ['Remaining', 'remaining', remaining, formatInt(remaining)],
    ['Connect rate', 'connect-rate', stats.rates.connect, formatPercent(stats.rates.connect)],
  ];
  const estimate = stats.status === 'completed'
    ? `Completed ${formatDateTime(stats.completedAt ?? stats.estimatedCompletionAt)}`
    : stats.estimatedCompletionAt
      ? `Estimated completion: ${formatDateTime(stats.estimatedCompletionAt)}`
      : stats.status === 'running' ? 'Estimated completion: not known yet (no calls ended recently)' : 'Estimated completion: when running';
  return (
    <>
      <ProgressBar label="Campaign progress" done={stats.completed} total={stats.totalLeads} />
      <p className="muted" style={{ margin: '0.35rem 0 0' }}>
        {formatInt(stats.completed)} of {formatInt(stats.totalLeads)} leads ended · {formatInt(Math.round(stats.callsPerMinute * 10) / 10)} calls/min · {estimate}
      </p>
      <dl className={styles.counters} aria-label="Counters">
        {counters.map(([label, key, raw, shown]) => (
          <div key={key} className={styles.counter}><dt>{label}</dt><dd data-counter={key} data-value={raw}>{shown}</dd></div>
        ))}
      </dl>
    </>
  );
}
