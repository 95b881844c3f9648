import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import type { CampaignStatus } from '../../../lib/api-types';
import { campaignKeys } from './campaign-keys';

export interface CampaignListQuery {
  name?: string;
  status?: CampaignStatus;
  cursor?: string;
  limit?: number;
}

/** A page of campaigns, each with its `progress` (maintained counters: no per-row stats read). */
export const getCampaigns = (q: CampaignListQuery) => unwrap(api.GET('/v1/campaigns', { params: { query: { limit: 50, ...q } } }));

export const campaignsQueryOptions = (q: CampaignListQuery) =>
  queryOptions({ queryKey: campaignKeys.list(q), queryFn: () => getCampaigns(q), placeholderData: keepPreviousData });

/** The list page, read again every 10 s while one of its campaigns is running (its progress moves). */
export function useCampaigns(q: CampaignListQuery) {
  return useQuery({
    ...campaignsQueryOptions(q),
    refetchInterval: (query) => (query.state.data?.data.some((c) => c.status === 'running') ? 10_000 : false),
  });
}
