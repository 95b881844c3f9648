import type { ApiKeyRole } from '@dialer/db';

/** What a route needs; each route names exactly one (see route-table.ts). */
export const PERMISSIONS = [
  'campaigns:read', 'campaigns:write', 'campaigns:operate',
  'leads:read', 'leads:write',
  'calls:read', 'calls:write',
  'dnc:read', 'dnc:write',
  'connections:read', 'connections:write',
  'webhooks:read', 'webhooks:write',
  'stats:read', 'stats:recount',
  'audit:read', 'keys:manage', 'users:manage', 'tenant:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * What a route asks of its caller: a permission, `session` (a signed-in person, any role: the
 * session's own routes) or `public` (nobody yet: sign-in and accepting an invitation).
 */
export type Access = Permission | 'session' | 'public';

const READ: Permission[] = ['campaigns:read', 'leads:read', 'calls:read', 'dnc:read', 'connections:read', 'stats:read', 'webhooks:read'];

/**
 * The role → permission table (README, "Roles and permissions"). Admins hold everything; managers
 * run campaigns, leads, imports, DNC and outbound webhook endpoints but do not manage keys, users, provider credentials,
 * recounts or read the audit log; viewers only read.
 */
export const ROLE_PERMISSIONS: Readonly<Record<ApiKeyRole, ReadonlySet<Permission>>> = {
  admin: new Set(PERMISSIONS),
  manager: new Set([...READ, 'campaigns:write', 'campaigns:operate', 'leads:write', 'calls:write', 'dnc:write', 'webhooks:write']),
  viewer: new Set(READ),
};

export const ROLES: readonly ApiKeyRole[] = ['admin', 'manager', 'viewer'];

export function may(role: ApiKeyRole, access: Access): boolean {
  return access === 'public' || access === 'session' || ROLE_PERMISSIONS[role].has(access);
}
