import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import type { AnalyticsGroup } from '../../../lib/api-types';

export const ANALYTICS_GROUPS = ['campaign', 'day', 'hour', 'outcome', 'localHour'] as const satisfies readonly AnalyticsGroup[];

export const getAnalytics = (groupBy: AnalyticsGroup, days: number) => {
  const to = new Date();
  const from = new Date(to.getTime() - days * 86_400_000);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return unwrap(api.GET('/v1/analytics', { params: { query: { groupBy, from: from.toISOString(), to: to.toISOString(), tz } } }));
};

export const analyticsQueryOptions = (groupBy: AnalyticsGroup, days: number) =>
  queryOptions({ queryKey: ['analytics', groupBy, days] as const, queryFn: () => getAnalytics(groupBy, days), placeholderData: keepPreviousData, staleTime: 60_000 });

export function useAnalytics(groupBy: AnalyticsGroup, days: number) {
  return useQuery(analyticsQueryOptions(groupBy, days));
}
