import { useMutation } from '@tanstack/react-query';
import { api, unwrapAs } from '../../../lib/api-client';
import type { components } from '../../../lib/api-schema';
import { queryClient } from '../../../lib/query-client';
import { campaignKeys } from './campaign-keys';
import type { Campaign } from './campaign.types';

/** The request body is typed by the document (CreateCampaignDto). */
export type CreateCampaignBody = components['schemas']['CreateCampaignDto'];

/** Creates a draft; the Idempotency-Key makes a retried click answer the same campaign. */
export const createCampaign = ({ body, idempotencyKey }: { body: CreateCampaignBody; idempotencyKey: string }) =>
  unwrapAs<Campaign>(api.POST('/v1/campaigns', { body, params: { header: { 'Idempotency-Key': idempotencyKey } } }));

export function useCreateCampaign() {
  return useMutation({
    mutationFn: createCampaign,
    onSuccess: (c) => {
      queryClient.setQueryData(campaignKeys.detail(c.id), c);
      void queryClient.invalidateQueries({ queryKey: campaignKeys.lists() });
    },
  });
}
