/**
 * The permission names of services/campaign-api/src/http/permissions.ts. The session answers them as
 * plain strings (SessionView.permissions: string[]); this union only keeps the dashboard's checks spelled right.
 */
export type Permission =
  | 'campaigns:read' | 'campaigns:write' | 'campaigns:operate'
  | 'leads:read' | 'leads:write'
  | 'calls:read' | 'calls:write'
  | 'dnc:read' | 'dnc:write'
  | 'connections:read' | 'connections:write'
  | 'stats:read' | 'stats:recount'
  | 'audit:read' | 'keys:manage'
  | 'users:manage' | 'tenant:manage';
