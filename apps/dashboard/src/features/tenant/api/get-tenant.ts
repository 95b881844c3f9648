import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

export const tenantKey = ['tenant'] as const;

/** The signed-in person's tenant: its name and the country assumed for numbers without a country code. */
export const getTenant = () => unwrap(api.GET('/v1/tenant'));

export const tenantQueryOptions = () => queryOptions({ queryKey: tenantKey, queryFn: getTenant, staleTime: 5 * 60_000 });

export function useTenant() {
  return useQuery(tenantQueryOptions());
}
