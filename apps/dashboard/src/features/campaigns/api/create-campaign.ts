import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import type { CreateCampaignBody } from '../../../lib/api-types';
import { queryClient } from '../../../lib/query-client';
import { campaignKeys } from './campaign-keys';

/** Creates a draft; the Idempotency-Key makes a retried click answer the same campaign. */
export const createCampaign = ({ body, idempotencyKey }: { body: CreateCampaignBody; idempotencyKey: string }) =>
  unwrap(api.POST('/v1/campaigns', { body, params: { header: { 'Idempotency-Key': idempotencyKey } } }));

export function useCreateCampaign() {
  return useMutation({
    mutationFn: createCampaign,
    onSuccess: (c) => {
      queryClient.setQueryData(campaignKeys.detail(c.id), c);
      void queryClient.invalidateQueries({ queryKey: campaignKeys.lists() });
    },
  });
}
