import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrapAs } from '../../../lib/api-client';

export const ANALYTICS_GROUPS = ['campaign', 'day', 'hour', 'outcome', 'localHour'] as const;
export type AnalyticsGroup = (typeof ANALYTICS_GROUPS)[number];

export interface AnalyticsRow {
  key: string | number; name?: string; dials: number; callsEnded: number; connected: number; voicemail: number; busy: number;
  noAnswer: number; failed: number; canceled: number; talkSeconds: number; averageDurationSeconds: number; connectRate: number;
}
export interface Analytics { from: string; to: string; groupBy: AnalyticsGroup; tz: string; rows: AnalyticsRow[]; outcomes?: Array<{ outcome: string; calls: number }> }

export const getAnalytics = (groupBy: AnalyticsGroup, days: number) => {
  const to = new Date();
  const from = new Date(to.getTime() - days * 86_400_000);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return unwrapAs<Analytics>(api.GET('/v1/analytics', { params: { query: { groupBy, from: from.toISOString(), to: to.toISOString(), tz } } }));
};

export const analyticsQueryOptions = (groupBy: AnalyticsGroup, days: number) =>
  queryOptions({ queryKey: ['analytics', groupBy, days] as const, queryFn: () => getAnalytics(groupBy, days), placeholderData: keepPreviousData, staleTime: 60_000 });

export function useAnalytics(groupBy: AnalyticsGroup, days: number) {
  return useQuery(analyticsQueryOptions(groupBy, days));
}
