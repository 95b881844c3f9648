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

export const getCampaigns = (q: CampaignListQuery) => unwrap(api.GET('/v1/campaigns', { params: { query: { limit: 50, ...q } } }));

export const campaignsQueryOptions = (q: CampaignListQuery) =>
  queryOptions({ queryKey: campaignKeys.list(q), queryFn: () => getCampaigns(q), placeholderData: keepPreviousData });

export function useCampaigns(q: CampaignListQuery) {
  return useQuery(campaignsQueryOptions(q));
}
