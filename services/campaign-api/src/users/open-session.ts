import type { DataSource, EntityManager } from '@dialer/db';
import { ROLE_PERMISSIONS } from '../http/permissions';
import { hashToken, newCsrfToken, newSessionToken } from './sessions';
import type { SessionView } from './user.dto';
import { insertSession, revokeSession, tenantName, userView, type UserRow } from './users.repository';

/** A signed-in person as GET /v1/auth/session shows them: user, tenant, permissions, CSRF token. */
export async function sessionView(m: DataSource | EntityManager, u: UserRow, csrfToken: string): Promise<SessionView> {
  return {
    user: { ...userView(u), tenantId: u.tenant_id },
    tenant: { id: u.tenant_id, name: await tenantName(m, u.tenant_id) },
    permissions: [...ROLE_PERMISSIONS[u.role]],
    csrfToken,
  };
}

/** A new session: its token (for the cookie, never stored) and its view. */
export interface OpenedSession {
  token: string;
  view: SessionView;
}

/**
 * Ends the session the request came with (if any), then opens a new one for the user, in the
 * caller's transaction: a token from before is never carried over (no fixation).
 */
export async function openSession(m: EntityManager, u: UserRow, previousToken: string | undefined, absoluteMs: number): Promise<OpenedSession> {
  if (previousToken) await revokeSession(m, hashToken(previousToken));
  const { token, hash } = newSessionToken();
  const csrf = newCsrfToken();
  await insertSession(m, { tokenHash: hash, userId: u.id, csrfToken: csrf, absoluteMs });
  return { token, view: await sessionView(m, u, csrf) };
}
