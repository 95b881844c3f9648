import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { campaignKeys } from './campaign-keys';

/** Hour by hour over the next 48 hours: how many open leads may be called. */
export const getSchedulePreview = (id: string) =>
  unwrap(api.GET('/v1/campaigns/{id}/schedule-preview', { params: { path: { id }, query: { days: 2 } } }));

export const schedulePreviewQueryOptions = (id: string) =>
  queryOptions({ queryKey: campaignKeys.schedulePreview(id), queryFn: () => getSchedulePreview(id), staleTime: 5 * 60_000 });

export function useSchedulePreview(id: string, enabled = true) {
  return useQuery({ ...schedulePreviewQueryOptions(id), enabled });
}
