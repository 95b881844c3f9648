import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

export interface AuditQuery { action?: string; entityType?: string; cursor?: string }

export const getAuditLog = (q: AuditQuery) => unwrap(api.GET('/v1/audit-log', { params: { query: { limit: 50, ...q } } }));

export const auditLogQueryOptions = (q: AuditQuery) =>
  queryOptions({ queryKey: ['audit-log', q] as const, queryFn: () => getAuditLog(q), placeholderData: keepPreviousData });

export function useAuditLog(q: AuditQuery) {
  return useQuery(auditLogQueryOptions(q));
}
