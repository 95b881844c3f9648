import styles from './progress-bar.module.css';

/** A progressbar: aria-valuenow = done, aria-valuemin = 0, aria-valuemax = total (1 when there is nothing yet, so max > min). */
export function ProgressBar({ done, total, label, showText = true }: { done: number; total: number; label: string; showText?: boolean }) {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const text = `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`;
  return (
    <div className={styles.wrap}>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={Math.max(total, 1)} aria-valuenow={Math.min(done, Math.max(total, 1))} aria-valuetext={`${text} (${Math.round(ratio * 100)}%)`} className={styles.track}>
        <div className={styles.fill} style={{ width: `${ratio * 100}%` }} />
      </div>
      {showText ? <span className={styles.text} aria-hidden="true">{Math.round(ratio * 100)}%</span> : null}
    </div>
  );
}
