import type { CSSProperties } from 'react';
import { formatInt } from '../../../lib/format';
import type { AnalyticsRow } from '../../../lib/api-types';
import styles from './local-hour-heat-map.module.css';

const HOURS = Array.from({ length: 24 }, (_v, h) => h);
/** Cell intensity 4–65 %: dark text stays readable (AA) on the darkest cell. */
const heat = (v: number, max: number): CSSProperties => ({ ['--heat' as string]: String(max > 0 ? 0.04 + 0.61 * (v / max) : 0.04) });

/**
 * Calls by the callee's local hour (groupBy=localHour) as a row of 24 cells whose shade follows the
 * count, and a second row for the connect rate. A plain table: screen readers read each hour and value.
 */
export function LocalHourHeatMap({ rows }: { rows: AnalyticsRow[] }) {
  const byHour = new Map(rows.map((r) => [Number(r.key), r]));
  const calls = HOURS.map((h) => byHour.get(h)?.callsEnded ?? 0);
  const rates = HOURS.map((h) => { const r = byHour.get(h); return r && r.callsEnded ? r.connected / r.callsEnded : null; });
  const maxCalls = Math.max(0, ...calls);
  const maxRate = Math.max(0, ...rates.map((r) => r ?? 0));
  return (
    <div className={styles.wrap}>
      <table className={styles.map} aria-label="Calls by the callee's local hour (heat map)">
        <caption className={styles.caption}>Darker cells: more calls ended, or a higher share connected, at that hour of the callee's own day.</caption>
        <thead>
          <tr><td />{HOURS.map((h) => <th key={h} scope="col"><abbr title={`${String(h).padStart(2, '0')}:00–${String(h).padStart(2, '0')}:59`}>{String(h).padStart(2, '0')}</abbr></th>)}</tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Calls ended</th>
            {calls.map((v, h) => <td key={h} className={styles.cell} style={heat(v, maxCalls)} data-hour={h} data-value={v}>{formatInt(v)}</td>)}
          </tr>
          <tr>
            <th scope="row">Connect rate</th>
            {rates.map((v, h) => <td key={h} className={styles.cell} style={heat(v ?? 0, maxRate)} data-hour={h} aria-label={v == null ? 'no calls' : undefined}>{v == null ? '—' : `${Math.round(v * 100)}%`}</td>)}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
