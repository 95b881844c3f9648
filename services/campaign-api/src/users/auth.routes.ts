import { Router, type Request, type Response } from 'express';
import type { DataSource, EntityManager } from '@dialer/db';
import { AppError, validateInput } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import { ROLE_PERMISSIONS } from '../http/permissions';
import { authOf } from '../http/request-context';
import type { LoginThrottle } from './login-throttle';
import { hashPassword, verifyPassword } from './passwords';
import {
  clearSessionCookie, hashToken, newCsrfToken, newSessionToken, sessionTokenOf, setSessionCookie, type SessionSettings,
} from './sessions';
import { AcceptInviteDto, LoginDto, type SessionView } from './user.dto';
import {
  consumeUserToken, findUser, findUserByEmail, insertSession, revokeSession, revokeUserSessions,
  tenantName, updateUser, userView, type UserRow,
} from './users.repository';

async function sessionView(m: DataSource | EntityManager, u: UserRow, csrfToken: string): Promise<SessionView> {
  return {
    user: { ...userView(u), tenantId: u.tenant_id },
    tenant: { id: u.tenant_id, name: await tenantName(m, u.tenant_id) },
    permissions: [...ROLE_PERMISSIONS[u.role]],
    csrfToken,
  };
}

export interface AuthRoutesDeps {
  ds: DataSource;
  sessions: SessionSettings;
  throttle: LoginThrottle;
}

/**
 * A person's session: sign in, who am I, sign out, accept an invitation (or a reset link).
 * Every sign-in makes a new session token (a token from before is never carried over: no fixation);
 * the token lives only in an HttpOnly cookie, the server keeps its hash.
 */
export function authRouter({ ds, sessions, throttle }: AuthRoutesDeps): Router {
  const r = Router();

  /** Ends the session the request came with (if any), then opens a new one for the user. */
  const openSession = async (m: EntityManager, req: Request, res: Response, u: UserRow): Promise<SessionView> => {
    const previous = sessionTokenOf(req, sessions);
    if (previous) await revokeSession(m, hashToken(previous));
    const { token, hash } = newSessionToken();
    const csrf = newCsrfToken();
    await insertSession(m, { tokenHash: hash, userId: u.id, csrfToken: csrf, absoluteMs: sessions.absoluteMs });
    setSessionCookie(req, res, sessions, token);
    return sessionView(m, u, csrf);
  };

  r.post('/auth/login', async (req, res) => {
    const dto = validateInput(LoginDto, req.body, { where: 'request body' });
    const ip = req.ip ?? 'unknown';
    await throttle.check(dto.email, ip);
    const user = await findUserByEmail(ds, dto.email);
    const ok = await verifyPassword(user?.password_hash ?? null, dto.password);
    if (!user || !ok) {
      await throttle.failed(dto.email, ip);
      throw new AppError('invalid_credentials', 'the email or the password is wrong', { status: 401 });
    }
    if (!user.active) throw new AppError('account_inactive', 'this account is deactivated: ask an admin of your team', { status: 403 });
    await throttle.succeeded(dto.email, ip);
    const view = await ds.transaction(async (m) => {
      const v = await openSession(m, req, res, user);
      await writeAudit(m, { tenantId: user.tenant_id, apiKeyId: null, userId: user.id, action: 'user.login', entityType: 'user', entityId: user.id });
      return v;
    });
    res.set('Cache-Control', 'no-store').json(view);
  });

  r.get('/auth/session', async (_req, res) => {
    // The gate has just found the live session (route permission 'session'): its user and CSRF token.
    const { tenantId, userId, csrfToken } = authOf(res);
    const u = await findUser(ds, tenantId, userId!);
    if (!u || !csrfToken) throw AppError.unauthorized('the session has ended: sign in again');
    res.set('Cache-Control', 'no-store').json(await sessionView(ds, u, csrfToken));
  });

  r.post('/auth/logout', async (req, res) => {
    const { tenantId, userId } = authOf(res);
    await ds.transaction(async (m) => {
      await revokeSession(m, hashToken(sessionTokenOf(req, sessions)!));
      await writeAudit(m, { tenantId, apiKeyId: null, userId, action: 'user.logout', entityType: 'user', entityId: userId });
    });
    clearSessionCookie(req, res, sessions);
    res.status(204).end();
  });

  r.post('/auth/accept-invite', async (req, res) => {
    const dto = validateInput(AcceptInviteDto, req.body, { where: 'request body' });
    const passwordHash = await hashPassword(dto.password);
    const view = await ds.transaction(async (m) => {
      const t = await consumeUserToken(m, hashToken(dto.token));
      if (!t) throw new AppError('invalid_token', 'this link is invalid, already used or expired: ask an admin for a new one', { status: 400 });
      const u = await updateUser(m, t.user_id, { passwordHash, ...(dto.name ? { name: dto.name } : {}) });
      // A new password ends every session opened with the old one.
      await revokeUserSessions(m, u.id);
      await writeAudit(m, {
        tenantId: u.tenant_id, apiKeyId: null, userId: u.id, action: t.purpose === 'invite' ? 'user.accept_invite' : 'user.reset_password',
        entityType: 'user', entityId: u.id,
      });
      return openSession(m, req, res, u);
    });
    res.set('Cache-Control', 'no-store').json(view);
  });

  return r;
}
