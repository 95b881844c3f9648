import type { ApiKeyRole } from '@dialer/db';

/** What a route needs; each route names exactly one (see route-table.ts). */
export const PERMISSIONS = [
  'campaigns:read', 'campaigns:write', 'campaigns:operate',
  'leads:read', 'leads:write',
  'calls:read', 'calls:write',
  'dnc:read', 'dnc:write',
  'connections:read', 'connections:write',
  'stats:read', 'stats:recount',
  'audit:read', 'keys:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ['campaigns:read', 'leads:read', 'calls:read', 'dnc:read', 'connections:read', 'stats:read'];

/**
 * The role → permission table (README, "Roles and permissions"). Admins hold everything; managers
 * run campaigns, leads, imports and DNC but do not manage keys, provider credentials, recounts or
 * read the audit log; viewers only read.
 */
export const ROLE_PERMISSIONS: Readonly<Record<ApiKeyRole, ReadonlySet<Permission>>> = {
  admin: new Set(PERMISSIONS),
  manager: new Set([...READ, 'campaigns:write', 'campaigns:operate', 'leads:write', 'calls:write', 'dnc:write']),
  viewer: new Set(READ),
};

export const ROLES: readonly ApiKeyRole[] = ['admin', 'manager', 'viewer'];

export function may(role: ApiKeyRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
