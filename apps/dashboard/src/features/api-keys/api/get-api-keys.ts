import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrapAs } from '../../../lib/api-client';

export interface ApiKey { id: string; name: string; prefix: string; role: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

export const apiKeysKey = ['api-keys', 'list'] as const;

export const getApiKeys = () =>
  unwrapAs<{ data: ApiKey[] }>(api.GET('/v1/api-keys', { params: { query: { includeRevoked: 'true' } } })).then((r) => r.data);

export const apiKeysQueryOptions = () => queryOptions({ queryKey: apiKeysKey, queryFn: getApiKeys });

export function useApiKeys() {
  return useQuery(apiKeysQueryOptions());
}
