import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

export const callKey = (id: string) => ['calls', 'detail', id] as const;

export const getCall = (id: string) => unwrap(api.GET('/v1/call-attempts/{id}', { params: { path: { id } } }));

export const callQueryOptions = (id: string) => queryOptions({ queryKey: callKey(id), queryFn: () => getCall(id) });

export function useCall(id: string) {
  return useQuery(callQueryOptions(id));
}
