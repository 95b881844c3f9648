import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { callKey } from './get-call';

export interface DispositionInput { callId: string; disposition: string; qualified?: boolean; note?: string }

export const setDisposition = ({ callId, ...body }: DispositionInput) =>
  unwrap(api.POST('/v1/call-attempts/{id}/disposition', { params: { path: { id: callId } }, body }));

export function useSetDisposition() {
  return useMutation({
    mutationFn: setDisposition,
    onSuccess: (call) => queryClient.setQueryData(callKey(call.id), call),
  });
}
