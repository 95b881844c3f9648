import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { tenantKey } from './get-tenant';

/** Changes the tenant's default country (admins; campaigns created afterwards inherit it). */
export const updateTenant = ({ defaultCountry }: { defaultCountry: string }) =>
  unwrap(api.PATCH('/v1/tenant', { body: { defaultCountry } }));

export function useUpdateTenant() {
  return useMutation({
    mutationFn: updateTenant,
    onSuccess: (t) => queryClient.setQueryData(tenantKey, t),
  });
}
