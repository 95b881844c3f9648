import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { campaignKeys } from './campaign-keys';
import type { CampaignCommand } from '../../../lib/api-types';

export const runCampaignCommand = ({ id, command }: { id: string; command: CampaignCommand }) =>
  unwrap(api.POST('/v1/campaigns/{id}/{command}', { params: { path: { id, command } } }));

/** start / pause / resume / stop / cancel; the answer is the campaign in its new status. */
export function useRunCampaignCommand() {
  return useMutation({
    mutationFn: runCampaignCommand,
    onSuccess: (campaign) => {
      queryClient.setQueryData(campaignKeys.detail(campaign.id), campaign);
      void queryClient.invalidateQueries({ queryKey: campaignKeys.stats(campaign.id) });
      void queryClient.invalidateQueries({ queryKey: campaignKeys.lists() });
    },
  });
}
