import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { AppError, validateInput } from '@dialer/platform';
import { authOf } from '../http/request-context';
import { acceptInvite } from './accept-invite';
import type { LoginThrottle } from './login-throttle';
import { sessionView } from './open-session';
import { clearSessionCookie, sessionTokenOf, setSessionCookie, type SessionSettings } from './sessions';
import { signIn } from './sign-in';
import { signOut } from './sign-out';
import { AcceptInviteDto, LoginDto, type SessionView } from './user.dto';
import { findUser } from './users.repository';

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

  r.post('/auth/login', async (req, res) => {
    const dto = validateInput(LoginDto, req.body, { where: 'request body' });
    const { token, view } = await signIn(ds, throttle, dto, {
      ip: req.ip ?? 'unknown', previousToken: sessionTokenOf(req, sessions), absoluteMs: sessions.absoluteMs,
    });
    setSessionCookie(req, res, sessions, token);
    res.set('Cache-Control', 'no-store').json(view satisfies SessionView);
  });

  r.get('/auth/session', async (_req, res) => {
    // The gate has just found the live session (route permission 'session'): its user and CSRF token.
    const { tenantId, userId, csrfToken } = authOf(res);
    const u = await findUser(ds, tenantId, userId!);
    if (!u || !csrfToken) throw AppError.unauthorized('the session has ended: sign in again');
    res.set('Cache-Control', 'no-store').json(await sessionView(ds, u, csrfToken));
  });

  r.post('/auth/logout', async (req, res) => {
    await signOut(ds, authOf(res), sessionTokenOf(req, sessions)!);
    clearSessionCookie(req, res, sessions);
    res.status(204).end();
  });

  r.post('/auth/accept-invite', async (req, res) => {
    const dto = validateInput(AcceptInviteDto, req.body, { where: 'request body' });
    const { token, view } = await acceptInvite(ds, dto, { previousToken: sessionTokenOf(req, sessions), absoluteMs: sessions.absoluteMs });
    setSessionCookie(req, res, sessions, token);
    res.set('Cache-Control', 'no-store').json(view satisfies SessionView);
  });

  return r;
}
