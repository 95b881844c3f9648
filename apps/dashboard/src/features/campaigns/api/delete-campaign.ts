import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { campaignKeys } from './campaign-keys';

/** Soft delete; If-Match with the version read, so a campaign changed meanwhile answers 412. */
export const deleteCampaign = ({ id, version }: { id: string; version: number }) =>
  unwrap(api.DELETE('/v1/campaigns/{id}', { params: { path: { id }, header: { 'If-Match': `"${version}"` } } }));

export function useDeleteCampaign() {
  return useMutation({
    mutationFn: deleteCampaign,
    onSuccess: (_r, { id }) => {
      queryClient.removeQueries({ queryKey: campaignKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: campaignKeys.lists() });
    },
  });
}
