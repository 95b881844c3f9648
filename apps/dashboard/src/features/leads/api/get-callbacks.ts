import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

/** A campaign's upcoming callbacks, soonest first, each in the callee's local time. */
export const getCallbacks = (campaignId: string, cursor?: string) =>
  unwrap(api.GET('/v1/campaigns/{id}/callbacks', { params: { path: { id: campaignId }, query: { limit: 20, cursor } } }));

export const callbacksQueryOptions = (campaignId: string, cursor?: string) =>
  queryOptions({ queryKey: ['callbacks', 'list', campaignId, cursor ?? null] as const, queryFn: () => getCallbacks(campaignId, cursor), placeholderData: keepPreviousData });

export function useCallbacks(campaignId: string, cursor?: string) {
  return useQuery(callbacksQueryOptions(campaignId, cursor));
}
