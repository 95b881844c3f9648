import { useMutation } from '@tanstack/react-query';
import { api, unwrapAs } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { dncKeys, type DncEntry } from './dnc.types';

export const addDnc = (body: { phone: string; reason?: string; campaignId?: string }) => unwrapAs<DncEntry>(api.POST('/v1/dnc', { body }));

export function useAddDnc() {
  return useMutation({ mutationFn: addDnc, onSuccess: () => queryClient.invalidateQueries({ queryKey: dncKeys.list }) });
}
