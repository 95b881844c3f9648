import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { campaignKeys } from './campaign-keys';

/** Calls per hour over the last 48 hours (the API's default range for hour buckets). */
export const getCampaignHourlyTimeseries = (id: string) =>
  unwrap(api.GET('/v1/campaigns/{id}/stats/timeseries', { params: { path: { id }, query: { granularity: 'hour' } } }));

export const campaignHourlyTimeseriesQueryOptions = (id: string) =>
  queryOptions({ queryKey: campaignKeys.hourlyTimeseries(id), queryFn: () => getCampaignHourlyTimeseries(id), staleTime: 60_000 });

/** Read again every 5 minutes while the campaign runs (the current hour's bucket fills slowly). */
export function useCampaignHourlyTimeseries(id: string, live: boolean) {
  return useQuery({ ...campaignHourlyTimeseriesQueryOptions(id), refetchInterval: live ? 5 * 60_000 : false });
}
