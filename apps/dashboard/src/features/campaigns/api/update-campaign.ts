import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import type { UpdateCampaignBody } from '../../../lib/api-types';
import { queryClient } from '../../../lib/query-client';
import { campaignKeys } from './campaign-keys';

/**
 * PATCH with If-Match of the version read: 412 `precondition_failed` when the campaign changed since.
 * The answer is the campaign with its `warnings` (rule packs vs. window, leads of other countries, …).
 */
export const updateCampaign = ({ id, version, body }: { id: string; version: number; body: UpdateCampaignBody }) =>
  unwrap(api.PATCH('/v1/campaigns/{id}', { params: { path: { id }, header: { 'If-Match': `"${version}"` } }, body }));

export function useUpdateCampaign() {
  return useMutation({
    mutationFn: updateCampaign,
    onSuccess: (c) => {
      queryClient.setQueryData(campaignKeys.detail(c.id), c);
      void queryClient.invalidateQueries({ queryKey: campaignKeys.schedulePreview(c.id) });
      void queryClient.invalidateQueries({ queryKey: campaignKeys.lists() });
    },
  });
}
