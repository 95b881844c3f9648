import { ProgressBar } from '../../../components/progress-bar';
import { formatDateTime, formatInt, formatPercent } from '../../../lib/format';
import type { CampaignStats } from '../../../lib/api-types';
import styles from './campaign-detail.module.css';

/** Progress and counters from the stats entry of the cache (kept current by the live stream). */
export function LiveProgress({ stats, name }: { stats: CampaignStats; name: string }) {
  const remaining = Math.max(0, stats.totalLeads - stats.completed);
  const counters: Array<[string, string]> = [
    ['Dialed', formatInt(stats.attempts)],
    ['Live', formatInt(stats.live)],
    ['Connected', formatInt(stats.connected)],
    ['Voicemail', formatInt(stats.voicemail)],
    ['Busy', formatInt(stats.busy)],
    ['No answer', formatInt(stats.noAnswer)],
    ['Failed', formatInt(stats.failed)],
    ['Remaining', formatInt(remaining)],
    ['Connect rate', formatPercent(stats.rates.connect)],
  ];
  const estimate = stats.status === 'completed'
    ? `Completed ${formatDateTime(stats.completedAt ?? stats.estimatedCompletionAt)}`
    : stats.estimatedCompletionAt
      ? `Estimated completion: ${formatDateTime(stats.estimatedCompletionAt)}`
      : stats.status === 'running' ? 'Estimated completion: not known yet (no calls ended recently)' : 'Estimated completion: when running';
  return (
    <>
      <ProgressBar label={`Progress of ${name}`} done={stats.completed} total={stats.totalLeads} />
      <p className="muted" style={{ margin: '0.35rem 0 0' }}>
        {formatInt(stats.completed)} of {formatInt(stats.totalLeads)} leads ended · {formatInt(Math.round(stats.callsPerMinute * 10) / 10)} calls/min · {estimate}
      </p>
      <dl className={styles.counters} aria-label="Counters">
        {counters.map(([label, value]) => (
          <div key={label} className={styles.counter}><dt>{label}</dt><dd>{value}</dd></div>
        ))}
      </dl>
    </>
  );
}
