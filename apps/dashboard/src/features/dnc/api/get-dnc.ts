import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrapAs, type Page } from '../../../lib/api-client';
import { dncKeys, type DncEntry } from './dnc.types';

export const getDnc = (cursor?: string) => unwrapAs<Page<DncEntry>>(api.GET('/v1/dnc', { params: { query: { limit: 50, cursor } } }));

export const dncQueryOptions = (cursor?: string) =>
  queryOptions({ queryKey: [...dncKeys.list, cursor ?? ''] as const, queryFn: () => getDnc(cursor), placeholderData: keepPreviousData });

export function useDnc(cursor?: string) {
  return useQuery(dncQueryOptions(cursor));
}
