import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

export const providerConnectionsKey = ['provider-connections', 'list'] as const;

export const getProviderConnections = () =>
  unwrap(api.GET('/v1/provider-connections')).then((r) => r.data);

export const providerConnectionsQueryOptions = () => queryOptions({ queryKey: providerConnectionsKey, queryFn: getProviderConnections });

export function useProviderConnections(enabled = true) {
  return useQuery({ ...providerConnectionsQueryOptions(), enabled });
}
