import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { campaignKeys } from './campaign-keys';

export interface CloneInput { id: string; name?: string; includeLeads?: boolean }

export const cloneCampaign = ({ id, ...body }: CloneInput) =>
  unwrap(api.POST('/v1/campaigns/{id}/clone', { params: { path: { id } }, body }));

export function useCloneCampaign() {
  return useMutation({
    mutationFn: cloneCampaign,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: campaignKeys.lists() }),
  });
}
