import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

export const getImport = (id: string) => unwrap(api.GET('/v1/imports/{id}', { params: { path: { id } } }));

export const importQueryOptions = (id: string) => queryOptions({ queryKey: ['imports', 'detail', id] as const, queryFn: () => getImport(id) });

/** One import's progress, read every second until it ends. */
export function useImport(id: string | undefined) {
  return useQuery({
    ...importQueryOptions(id ?? ''),
    enabled: Boolean(id),
    refetchInterval: (q) => (q.state.data && ['pending', 'running'].includes(q.state.data.status) ? 1_000 : false),
  });
}
