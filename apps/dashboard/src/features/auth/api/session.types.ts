/**
 * The session contract (POST /v1/auth/login, GET /v1/auth/session, POST /v1/auth/accept-invite).
 * Not in the OpenAPI document yet: swap for the generated type once it is.
 */
export type Role = 'admin' | 'manager' | 'viewer';

/** Same names as services/campaign-api/src/http/permissions.ts. */
export type Permission =
  | 'campaigns:read' | 'campaigns:write' | 'campaigns:operate'
  | 'leads:read' | 'leads:write'
  | 'calls:read' | 'calls:write'
  | 'dnc:read' | 'dnc:write'
  | 'connections:read' | 'connections:write'
  | 'stats:read' | 'stats:recount'
  | 'audit:read' | 'keys:manage'
  | 'users:manage';

export interface Session {
  user: { id: string; email: string; name: string | null; role: Role; tenantId: string };
  tenant: { id: string; name: string };
  csrfToken: string;
  permissions: string[];
}
