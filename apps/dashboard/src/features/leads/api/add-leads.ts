import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';

export interface NewLead { phone: string; firstName?: string; lastName?: string }

/** Adds leads as JSON; rows the server refuses come back in `rejected` (by index), the others are in. */
export const addLeads = ({ campaignId, leads }: { campaignId: string; leads: NewLead[] }) =>
  unwrap(api.POST('/v1/campaigns/{id}/leads', { params: { path: { id: campaignId } }, body: { leads } }));

export function useAddLeads() {
  return useMutation({
    mutationFn: addLeads,
    onSuccess: (_r, { campaignId }) => queryClient.invalidateQueries({ queryKey: ['leads', 'list', campaignId] }),
  });
}
