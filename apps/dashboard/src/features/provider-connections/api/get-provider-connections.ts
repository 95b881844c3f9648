import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrapAs } from '../../../lib/api-client';

/** A provider connection as listed (credentials are never returned). */
export interface ProviderConnection {
  id: string;
  name: string;
  type: 'twilio' | 'vapi' | 'exotel';
  baseUrl?: string | null;
  config?: Record<string, unknown>;
  callsPerSecond?: number | null;
  createdAt: string;
}

export const providerConnectionsKey = ['provider-connections', 'list'] as const;

export const getProviderConnections = () =>
  unwrapAs<{ data: ProviderConnection[] }>(api.GET('/v1/provider-connections')).then((r) => r.data);

export const providerConnectionsQueryOptions = () => queryOptions({ queryKey: providerConnectionsKey, queryFn: getProviderConnections });

export function useProviderConnections(enabled = true) {
  return useQuery({ ...providerConnectionsQueryOptions(), enabled });
}
