import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

export const apiKeysKey = ['api-keys', 'list'] as const;

export const getApiKeys = () =>
  unwrap(api.GET('/v1/api-keys', { params: { query: { includeRevoked: 'true' } } })).then((r) => r.data);

export const apiKeysQueryOptions = () => queryOptions({ queryKey: apiKeysKey, queryFn: getApiKeys });

export function useApiKeys() {
  return useQuery(apiKeysQueryOptions());
}
