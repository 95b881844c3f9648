import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { campaignKeys } from './campaign-keys';

export const getCampaignStats = (id: string) =>
  unwrap(api.GET('/v1/campaigns/{id}/stats', { params: { path: { id } } }));

export const campaignStatsQueryOptions = (id: string) =>
  queryOptions({ queryKey: campaignKeys.stats(id), queryFn: () => getCampaignStats(id), staleTime: 15_000 });

/** One campaign's stats; the live stream (useCampaignEvents) keeps this entry current. */
export function useCampaignStats(id: string) {
  return useQuery(campaignStatsQueryOptions(id));
}
