import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { apiKeysKey } from './get-api-keys';

export const revokeApiKey = (id: string) => unwrap(api.POST('/v1/api-keys/{id}/revoke', { params: { path: { id } } }));

export function useRevokeApiKey() {
  return useMutation({ mutationFn: revokeApiKey, onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysKey }) });
}
