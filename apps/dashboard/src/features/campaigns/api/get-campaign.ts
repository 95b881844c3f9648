import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { campaignKeys } from './campaign-keys';

export const getCampaign = (id: string) => unwrap(api.GET('/v1/campaigns/{id}', { params: { path: { id } } }));

export const campaignQueryOptions = (id: string) => queryOptions({ queryKey: campaignKeys.detail(id), queryFn: () => getCampaign(id) });

export function useCampaign(id: string) {
  return useQuery(campaignQueryOptions(id));
}
