import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { dncKeys } from './dnc-keys';

export const getDnc = (cursor?: string) => unwrap(api.GET('/v1/dnc', { params: { query: { limit: 50, cursor } } }));

export const dncQueryOptions = (cursor?: string) =>
  queryOptions({ queryKey: [...dncKeys.list, cursor ?? ''] as const, queryFn: () => getDnc(cursor), placeholderData: keepPreviousData });

export function useDnc(cursor?: string) {
  return useQuery(dncQueryOptions(cursor));
}
