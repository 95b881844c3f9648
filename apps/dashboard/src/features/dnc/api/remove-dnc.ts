import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { dncKeys } from './dnc-keys';

export const removeDnc = (id: string) => unwrap(api.DELETE('/v1/dnc/{id}', { params: { path: { id } } }));

export function useRemoveDnc() {
  return useMutation({ mutationFn: removeDnc, onSuccess: () => queryClient.invalidateQueries({ queryKey: dncKeys.list }) });
}
