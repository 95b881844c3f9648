import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { dncKeys } from './dnc-keys';

export const addDnc = (body: { phone: string; reason?: string; campaignId?: string }) => unwrap(api.POST('/v1/dnc', { body }));

export function useAddDnc() {
  return useMutation({ mutationFn: addDnc, onSuccess: () => queryClient.invalidateQueries({ queryKey: dncKeys.list }) });
}
