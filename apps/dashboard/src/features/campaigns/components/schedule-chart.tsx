import { useMemo } from 'react';
import type uPlot from 'uplot';
import { ErrorMessage, Loading } from '../../../components/feedback';
import { UPlotChart } from '../../../components/uplot-chart';
import { useSchedulePreview } from '../api/get-schedule-preview';

/** Callable leads hour by hour over the next 48 hours (calling window ∩ legal floor, per lead's zones). */
export function ScheduleChart({ campaignId }: { campaignId: string }) {
  const preview = useSchedulePreview(campaignId);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => ({
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [{}, { label: 'callable leads' }],
    series: [{}, { label: 'Callable leads', stroke: '#1d4ed8', fill: '#1d4ed833', width: 2 }],
  }), []);
  const { data, peak } = useMemo(() => {
    const hours = preview.data?.hours ?? [];
    return {
      data: [hours.map((h) => new Date(h.start).getTime() / 1000), hours.map((h) => h.callable)] as uPlot.AlignedData,
      peak: hours.reduce((m, h) => Math.max(m, h.callable), 0),
    };
  }, [preview.data]);
  if (preview.isPending) return <Loading label="Loading the schedule preview…" />;
  if (preview.isError) return <ErrorMessage error={preview.error} />;
  return <UPlotChart options={options} data={data} height={180} summary={`Callable leads per hour over the next 48 hours; at most ${peak} in one hour.`} />;
}
