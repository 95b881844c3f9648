import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrapAs, type Page } from '../../../lib/api-client';

/** One row of GET /v1/campaigns/:id/leads (a viewer of a hipaa campaign gets a masked phone and no names). */
export interface Lead {
  id: string;
  phoneE164: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  timezones: string[];
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  disposition: string | null;
  qualified: boolean | null;
  lastAttemptAt: string | null;
  createdAt: string;
}

export const LEAD_STATUSES = ['pending', 'queued', 'dialing', 'done'] as const;

export interface LeadListQuery { status?: (typeof LEAD_STATUSES)[number]; phone?: string; cursor?: string }

export const getLeads = (campaignId: string, q: LeadListQuery) =>
  unwrapAs<Page<Lead>>(api.GET('/v1/campaigns/{id}/leads', {
    params: { path: { id: campaignId }, query: { limit: 50, ...q } },
  }));

export const leadsQueryOptions = (campaignId: string, q: LeadListQuery) =>
  queryOptions({ queryKey: ['leads', 'list', campaignId, q] as const, queryFn: () => getLeads(campaignId, q), placeholderData: keepPreviousData });

export function useLeads(campaignId: string, q: LeadListQuery) {
  return useQuery(leadsQueryOptions(campaignId, q));
}
