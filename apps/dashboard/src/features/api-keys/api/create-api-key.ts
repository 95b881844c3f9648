import { useMutation } from '@tanstack/react-query';
import { api, unwrapAs } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { apiKeysKey, type ApiKey } from './get-api-keys';

/** The answer carries the key itself, once: it is never readable again. */
export const createApiKey = (body: { name: string; role: 'admin' | 'manager' | 'viewer' }) =>
  unwrapAs<ApiKey & { apiKey: string }>(api.POST('/v1/api-keys', { body }));

export function useCreateApiKey() {
  return useMutation({ mutationFn: createApiKey, onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysKey }) });
}
