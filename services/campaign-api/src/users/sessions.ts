import type { Request, Response } from 'express';
import { parse as parseCookies } from 'cookie';
import { AppError, randomToken, sha256Hex } from '@dialer/platform';

/** How sessions behave; built once from the config (campaign-api settings SESSION_*, LOGIN_*, PUBLIC_URL). */
export interface SessionSettings {
  idleMs: number;
  absoluteMs: number;
  /** 'auto': Secure when the request came over https or NODE_ENV is production. */
  cookieSecure: 'auto' | 'true' | 'false';
  production: boolean;
  /** The dashboard's public origin for invitation links; empty: the request's own origin. */
  publicUrl: string;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  loginLockoutMs: number;
}

export const INVITE_TTL_MS = 72 * 3_600_000;
const COOKIE = 'dialer_session';
// A Secure cookie takes the __Host- prefix: the browser then refuses it from a subdomain or over http.
const SECURE_COOKIE = `__Host-${COOKIE}`;

export function newSessionToken(): { token: string; hash: string } {
  const token = randomToken(32);
  return { token, hash: sha256Hex(token) };
}

export function hashToken(token: string): string {
  return sha256Hex(token);
}

function secure(req: Request, s: SessionSettings): boolean {
  return s.cookieSecure === 'true' || (s.cookieSecure === 'auto' && (req.secure || s.production));
}

/** The session token the request carries, if any (the cookie name of the request's mode only). */
export function sessionTokenOf(req: Request, s: SessionSettings): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const v = parseCookies(header)[secure(req, s) ? SECURE_COOKIE : COOKIE];
  return v && /^[A-Za-z0-9_-]{20,100}$/.test(v) ? v : undefined;
}

export function setSessionCookie(req: Request, res: Response, s: SessionSettings, token: string): void {
  res.cookie(secure(req, s) ? SECURE_COOKIE : COOKIE, token, {
    httpOnly: true, sameSite: 'lax', secure: secure(req, s), path: '/', maxAge: s.absoluteMs,
  });
}

export function clearSessionCookie(req: Request, res: Response, s: SessionSettings): void {
  res.clearCookie(secure(req, s) ? SECURE_COOKIE : COOKIE, { httpOnly: true, sameSite: 'lax', secure: secure(req, s), path: '/' });
}

/** The request's own origin (scheme://host[:port]). */
export function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

/**
 * Cross-site request forgery, first line: a browser request from another site is refused, judged by
 * Origin (or, when absent, Sec-Fetch-Site). Requests without either (curl, scripts) pass this check;
 * session writes also need the X-CSRF-Token header, which another site cannot set.
 */
export function assertSameOrigin(req: Request, s: SessionSettings): void {
  const origin = req.get('origin');
  const allowed = new Set([ownOrigin(req), ...(s.publicUrl ? [new URL(s.publicUrl).origin] : [])]);
  // An opaque origin ("null": a sandboxed frame, a data: page) is never this dashboard.
  const crossSite = origin === undefined ? req.get('sec-fetch-site') === 'cross-site' : origin === 'null' || !allowed.has(origin);
  if (crossSite) {
    throw new AppError('csrf_failed', 'cross-site request refused: the Origin is not this dashboard', { status: 403 });
  }
}

export function newCsrfToken(): string {
  return randomToken(24);
}
