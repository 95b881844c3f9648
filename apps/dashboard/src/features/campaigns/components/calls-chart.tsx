import { useMemo } from 'react';
import type uPlot from 'uplot';
import { ErrorMessage, Loading } from '../../../components/feedback';
import { UPlotChart } from '../../../components/uplot-chart';
import type { TimeSeriesPoint } from '../../../lib/api-types';
import { useCampaignTimeseries } from '../api/get-campaign-timeseries';

const OUTCOME_SERIES: Array<{ key: Exclude<keyof TimeSeriesPoint, 'at'>; label: string; color: string }> = [
  { key: 'connected', label: 'Connected', color: '#067647' },
  { key: 'voicemail', label: 'Voicemail', color: '#1d4ed8' },
  { key: 'busy', label: 'Busy', color: '#b54708' },
  { key: 'noAnswer', label: 'No answer', color: '#6b7280' },
  { key: 'failed', label: 'Failed', color: '#b42318' },
  { key: 'canceled', label: 'Canceled', color: '#7c3aed' },
];

/**
 * Calls per minute over the last hour, stacked by outcome: each series is drawn as the running
 * sum of the outcomes below it (uPlot has no stacking of its own), the legend shows the real counts.
 */
export function CallsChart({ campaignId, live }: { campaignId: string; live: boolean }) {
  const ts = useCampaignTimeseries(campaignId, live);

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => ({
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [{}, { label: 'calls / minute' }],
    series: [
      {},
      ...OUTCOME_SERIES.map((s, i) => ({
        label: s.label, stroke: s.color, fill: `${s.color}55`, width: 1,
        // The legend shows this outcome's own count, not the stacked height.
        value: (u: uPlot, v: number | null, _si: number, idx: number | null) => {
          if (v == null || idx == null) return '—';
          const below = i === 0 ? 0 : (u.data[i]?.[idx] ?? 0);
          return String(Math.round((v - (below ?? 0)) * 100) / 100);
        },
      })),
    ],
    bands: OUTCOME_SERIES.slice(1).map((_s, i) => ({ series: [i + 2, i + 1] as [number, number] })),
  }), []);

  const { data, total } = useMemo(() => {
    const points = ts.data?.points ?? [];
    const xs = points.map((p) => new Date(p.at).getTime() / 1000);
    const running = points.map(() => 0);
    const ys = OUTCOME_SERIES.map((s) => points.map((p, j) => (running[j] = running[j]! + p[s.key])));
    return { data: [xs, ...ys] as uPlot.AlignedData, total: running.reduce((a, b) => a + b, 0) };
  }, [ts.data]);

  if (ts.isPending) return <Loading label="Loading the call chart…" />;
  if (ts.isError) return <ErrorMessage error={ts.error} />;
  return <UPlotChart options={options} data={data} summary={`Calls per minute over the last hour by outcome: ${total} calls ended.`} />;
}
