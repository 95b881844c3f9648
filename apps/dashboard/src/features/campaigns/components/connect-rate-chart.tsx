import { useMemo } from 'react';
import type uPlot from 'uplot';
import { ErrorMessage, Loading } from '../../../components/feedback';
import { UPlotChart } from '../../../components/uplot-chart';
import { formatPercent } from '../../../lib/format';
import { useCampaignHourlyTimeseries } from '../api/get-campaign-hourly-timeseries';

/**
 * The share of ended calls that connected, hour by hour over the last 48 hours. An hour without an
 * ended call has no rate (a gap in the line, not a 0 %).
 */
export function ConnectRateChart({ campaignId, live }: { campaignId: string; live: boolean }) {
  const ts = useCampaignHourlyTimeseries(campaignId, live);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => ({
    scales: { x: { time: true }, y: { range: [0, 100] } },
    axes: [{}, { label: 'connect rate (%)', values: (_u: uPlot, vals: number[]) => vals.map((v) => `${v}%`) }],
    series: [
      {},
      {
        label: 'Connect rate', stroke: '#067647', width: 2, spanGaps: false, points: { show: true, size: 4 },
        value: (_u: uPlot, v: number | null) => (v == null ? '—' : `${Math.round(v * 10) / 10}%`),
      },
    ],
  }), []);
  const { data, connected, ended } = useMemo(() => {
    const points = ts.data?.points ?? [];
    return {
      data: [
        points.map((p) => new Date(p.at).getTime() / 1000),
        points.map((p) => (p.callsEnded ? (p.connected / p.callsEnded) * 100 : null)),
      ] as uPlot.AlignedData,
      connected: points.reduce((a, p) => a + p.connected, 0),
      ended: points.reduce((a, p) => a + p.callsEnded, 0),
    };
  }, [ts.data]);
  if (ts.isPending) return <Loading label="Loading the connect rate…" />;
  if (ts.isError) return <ErrorMessage error={ts.error} />;
  const summary = ended
    ? `Connect rate per hour over the last 48 hours: ${connected} of ${ended} ended calls connected (${formatPercent(connected / ended)}).`
    : 'Connect rate per hour over the last 48 hours: no call has ended yet.';
  return <UPlotChart options={options} data={data} height={180} summary={summary} />;
}
