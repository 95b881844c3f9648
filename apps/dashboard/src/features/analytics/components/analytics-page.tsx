import { useState } from 'react';
import { ErrorMessage, Loading } from '../../../components/feedback';
import { FieldRow, SelectField } from '../../../components/field';
import { formatDuration, formatInt, formatPercent } from '../../../lib/format';
import type { AnalyticsGroup, AnalyticsRow } from '../../../lib/api-types';
import { ANALYTICS_GROUPS, useAnalytics } from '../api/get-analytics';
import { LocalHourHeatMap } from './local-hour-heat-map';

const GROUP_LABEL: Record<AnalyticsGroup, string> = {
  campaign: 'Campaign', day: 'Day', hour: 'Hour of day', outcome: 'Outcome', localHour: "Callee's local hour", field: 'Lead field',
};

function keyText(group: AnalyticsGroup, r: AnalyticsRow): string {
  if (group === 'campaign') return r.name ?? String(r.key);
  if (group === 'hour' || group === 'localHour') return `${String(r.key).padStart(2, '0')}:00`;
  return String(r.key).replace(/_/g, ' ');
}

export default function AnalyticsPage() {
  const [group, setGroup] = useState<AnalyticsGroup>('campaign');
  const [days, setDays] = useState(7);
  const a = useAnalytics(group, days);
  return (
    <>
      <h1>Analytics</h1>
      <FieldRow>
        <SelectField label="Group by" value={group} onChange={(e) => setGroup(e.target.value as AnalyticsGroup)}>
          {ANALYTICS_GROUPS.map((g) => <option key={g} value={g}>{GROUP_LABEL[g]}</option>)}
        </SelectField>
        <SelectField label="Period" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          <option value={1}>Last 24 hours</option><option value={7}>Last 7 days</option><option value={30}>Last 30 days</option><option value={90}>Last 90 days</option>
        </SelectField>
      </FieldRow>
      <ErrorMessage error={a.error} />
      {!a.isPending && group === 'localHour' && a.data?.groupBy === 'localHour' ? <LocalHourHeatMap rows={a.data.rows} /> : null}
      {a.isPending ? <Loading /> : (
        <table aria-label="Calls by group">
          <thead>
            <tr>
              <th scope="col">{GROUP_LABEL[group]}</th><th scope="col" className="num">Dials</th><th scope="col" className="num">Calls ended</th>
              <th scope="col" className="num">Connected</th><th scope="col" className="num">Voicemail</th><th scope="col" className="num">Busy</th>
              <th scope="col" className="num">No answer</th><th scope="col" className="num">Failed</th><th scope="col" className="num">Connect rate</th>
              <th scope="col" className="num">Avg duration</th>
            </tr>
          </thead>
          <tbody>
            {a.data?.rows.length ? null : <tr><td colSpan={10} className="muted">No calls in this period.</td></tr>}
            {a.data?.rows.map((r) => (
              <tr key={String(r.key)}>
                <td>{keyText(group, r)}</td><td className="num">{formatInt(r.dials)}</td><td className="num">{formatInt(r.callsEnded)}</td>
                <td className="num">{formatInt(r.connected)}</td><td className="num">{formatInt(r.voicemail)}</td><td className="num">{formatInt(r.busy)}</td>
                <td className="num">{formatInt(r.noAnswer)}</td><td className="num">{formatInt(r.failed)}</td><td className="num">{formatPercent(r.connectRate)}</td>
                <td className="num">{formatDuration(r.averageDurationSeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
