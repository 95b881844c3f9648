import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

export const importsKey = (campaignId: string) => ['imports', 'list', campaignId] as const;

export const getImports = (campaignId: string) =>
  unwrap(api.GET('/v1/campaigns/{id}/imports', { params: { path: { id: campaignId } } }));

export const importsQueryOptions = (campaignId: string) => queryOptions({ queryKey: importsKey(campaignId), queryFn: () => getImports(campaignId) });

/** A campaign's imports; read again every 2 s while one is still pending or running. */
export function useImports(campaignId: string) {
  return useQuery({
    ...importsQueryOptions(campaignId),
    refetchInterval: (q) => (q.state.data?.data.some((j) => j.status === 'pending' || j.status === 'running') ? 2_000 : false),
  });
}
