import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import type { LeadStatus } from '../../../lib/api-types';

export const LEAD_STATUSES = ['pending', 'queued', 'dialing', 'done'] as const satisfies readonly LeadStatus[];

/** The rows (a viewer of a hipaa campaign gets a masked phone and no names). */
export interface LeadListQuery { status?: LeadStatus; phone?: string; cursor?: string }

export const getLeads = (campaignId: string, q: LeadListQuery) =>
  unwrap(api.GET('/v1/campaigns/{id}/leads', {
    params: { path: { id: campaignId }, query: { limit: 50, ...q } },
  }));

export const leadsQueryOptions = (campaignId: string, q: LeadListQuery) =>
  queryOptions({ queryKey: ['leads', 'list', campaignId, q] as const, queryFn: () => getLeads(campaignId, q), placeholderData: keepPreviousData });

export function useLeads(campaignId: string, q: LeadListQuery) {
  return useQuery(leadsQueryOptions(campaignId, q));
}
