import { useMutation } from '@tanstack/react-query';
import { api, unwrapAs } from '../../../lib/api-client';
import type { components } from '../../../lib/api-schema';
import { queryClient } from '../../../lib/query-client';
import { providerConnectionsKey, type ProviderConnection } from './get-provider-connections';

type Schemas = components['schemas'];
export type CreateConnectionBody = Schemas['TwilioConnectionDto'] | Schemas['VapiConnectionDto'] | Schemas['ExotelConnectionDto'];

export const createProviderConnection = (body: CreateConnectionBody) => unwrapAs<ProviderConnection>(api.POST('/v1/provider-connections', { body }));

export function useCreateProviderConnection() {
  return useMutation({ mutationFn: createProviderConnection, onSuccess: () => queryClient.invalidateQueries({ queryKey: providerConnectionsKey }) });
}
