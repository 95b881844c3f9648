import type { CampaignWithWarnings } from '../../../lib/api-types';
import styles from './campaign-warnings.module.css';

/** The API's `warnings` of a write: what will keep the campaign from calling as expected. */
export function CampaignWarnings({ warnings, title = 'Warnings' }: { warnings: CampaignWithWarnings['warnings']; title?: string }) {
  if (!warnings.length) return null;
  return (
    <section className={styles.warnings} aria-label={title}>
      <h3>{title}</h3>
      <ul>{warnings.map((w, i) => <li key={`${w.code}-${i}`} data-warning={w.code}>{w.message}</li>)}</ul>
    </section>
  );
}
