import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import type { Outcome } from '../../../lib/api-types';

export interface CallListQuery { outcome?: Outcome; cursor?: string; leadId?: string }

export const getCalls = (campaignId: string, q: CallListQuery) =>
  unwrap(api.GET('/v1/campaigns/{id}/calls', { params: { path: { id: campaignId }, query: { limit: 50, ...q } } }));

export const callsQueryOptions = (campaignId: string, q: CallListQuery) =>
  queryOptions({ queryKey: ['calls', 'list', campaignId, q] as const, queryFn: () => getCalls(campaignId, q), placeholderData: keepPreviousData });

export function useCalls(campaignId: string, q: CallListQuery) {
  return useQuery(callsQueryOptions(campaignId, q));
}
