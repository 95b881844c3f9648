import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import type { components } from '../../../lib/api-schema';
import { queryClient } from '../../../lib/query-client';
import { providerConnectionsKey } from './get-provider-connections';

type Schemas = components['schemas'];
export type CreateConnectionBody = Schemas['TwilioConnectionDto'] | Schemas['VapiConnectionDto'] | Schemas['ExotelConnectionDto'];

export const createProviderConnection = (body: CreateConnectionBody) => unwrap(api.POST('/v1/provider-connections', { body }));

export function useCreateProviderConnection() {
  return useMutation({ mutationFn: createProviderConnection, onSuccess: () => queryClient.invalidateQueries({ queryKey: providerConnectionsKey }) });
}
