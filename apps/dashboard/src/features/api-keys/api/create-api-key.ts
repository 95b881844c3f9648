import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import type { components } from '../../../lib/api-schema';
import { apiKeysKey } from './get-api-keys';

/** The answer carries the key itself, once: it is never readable again. */
export const createApiKey = (body: components['schemas']['CreateApiKeyDto']) => unwrap(api.POST('/v1/api-keys', { body }));

export function useCreateApiKey() {
  return useMutation({ mutationFn: createApiKey, onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysKey }) });
}
