import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { campaignKeys } from './campaign-keys';

/** Calls per minute over the last hour. */
export const getCampaignTimeseries = (id: string) =>
  unwrap(api.GET('/v1/campaigns/{id}/stats/timeseries', { params: { path: { id }, query: { granularity: 'minute' } } }));

export const campaignTimeseriesQueryOptions = (id: string) =>
  queryOptions({ queryKey: campaignKeys.timeseries(id), queryFn: () => getCampaignTimeseries(id) });

/** Refreshed each minute while the campaign runs (minute buckets change no faster). */
export function useCampaignTimeseries(id: string, live: boolean) {
  return useQuery({ ...campaignTimeseriesQueryOptions(id), refetchInterval: live ? 60_000 : false });
}
