import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrapAs } from '../../../lib/api-client';
import { campaignKeys } from './campaign-keys';
import type { Campaign } from './campaign.types';

export const getCampaign = (id: string) => unwrapAs<Campaign>(api.GET('/v1/campaigns/{id}', { params: { path: { id } } }));

export const campaignQueryOptions = (id: string) => queryOptions({ queryKey: campaignKeys.detail(id), queryFn: () => getCampaign(id) });

export function useCampaign(id: string) {
  return useQuery(campaignQueryOptions(id));
}
