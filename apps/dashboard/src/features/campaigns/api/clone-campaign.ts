import { useMutation } from '@tanstack/react-query';
import { api, unwrapAs } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { campaignKeys } from './campaign-keys';
import type { Campaign } from './campaign.types';

export interface CloneInput { id: string; name?: string; includeLeads?: boolean }

export const cloneCampaign = ({ id, ...body }: CloneInput) =>
  unwrapAs<Campaign & { clonedFrom: string; leadsCopied: number }>(api.POST('/v1/campaigns/{id}/clone', { params: { path: { id } }, body }));

export function useCloneCampaign() {
  return useMutation({
    mutationFn: cloneCampaign,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: campaignKeys.lists() }),
  });
}
