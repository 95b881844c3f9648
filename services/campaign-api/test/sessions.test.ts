import http from 'node:http';
import { createTenant } from '../src/tenants/create-tenant';
import { createUser } from '../src/users/create-user';
import { updateUser } from '../src/users/update-user';
import { startApi, type Api } from './helpers';

const PASSWORD = 'correct horse battery staple';

interface Session {
  cookie: string;
  csrf: string;
  body: Record<string, any>;
}

/** The session cookie (name=value) a response sets, or undefined. */
function sessionCookieOf(res: { headers: Record<string, unknown> }): string | undefined {
  const set = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  const c = set.find((s) => /dialer_session=[^;]+/.test(s) && !/Max-Age=0|Expires=Thu, 01 Jan 1970/.test(s));
  return c?.split(';')[0];
}

describe('campaign-api dashboard sessions: sign-in, cookies, CSRF, throttling, roles, invitations', () => {
  let api: Api;
  let n = 0;
  beforeAll(async () => {
    api = await startApi('sessions', { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_IP: '1000' });
  });
  afterAll(async () => {
    await api?.close();
  });

  const newUser = async (role: 'admin' | 'manager' | 'viewer' = 'admin', tenantId = api.tenant.tenantId) => {
    const email = `person${++n}@example.com`;
    const { user } = await createUser(api.ctx.ds, { tenantId, email, role, password: PASSWORD });
    return { ...user, email };
  };
  const login = async (email: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<Session> => {
    const res = await api.http.post('/v1/auth/login').set(headers).send({ email, password });
    expect({ status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({ status: 200, body: 'ok' });
    return { cookie: sessionCookieOf(res)!, csrf: res.body.csrfToken, body: res.body };
  };
  const campaignCount = async () => Number((await api.ctx.ds.query(`SELECT count(*)::int AS n FROM campaigns`))[0].n);

  it('when a person signs in, then the cookie is HttpOnly, SameSite=Lax, not readable by scripts, and the session reads and writes with its CSRF token', async () => {
    const u = await newUser('manager');
    const res = await api.http.post('/v1/auth/login').send({ email: u.email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
    const raw = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('dialer_session='))!;
    expect(raw).toMatch(/HttpOnly/i);
    expect(raw).toMatch(/SameSite=Lax/i);
    expect(raw).toMatch(/Path=\//);
    expect(raw).not.toMatch(/Secure/i); // plain http in tests; see the production test below
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ user: { email: u.email, role: 'manager', tenantId: api.tenant.tenantId }, tenant: { id: api.tenant.tenantId } });
    expect(res.body.permissions).toContain('campaigns:write');
    expect(res.body.permissions).not.toContain('users:manage');
    expect(JSON.stringify(res.body)).not.toContain('password');
    const cookie = sessionCookieOf(res)!;
    const me = await api.http.get('/v1/auth/session').set('Cookie', cookie);
    expect(me.status).toBe(200);
    expect(me.body.csrfToken).toBe(res.body.csrfToken);
    expect((await api.http.get('/v1/campaigns').set('Cookie', cookie)).status).toBe(200);
    const created = await api.http.post('/v1/campaigns').set('Cookie', cookie).set('X-CSRF-Token', res.body.csrfToken).send({ name: 'by a person' });
    expect(created.status).toBe(201);
    const audit = await api.http.get(`/v1/audit-log?entityType=campaign&entityId=${created.body.id as string}`).set(api.auth());
    expect(audit.body.data[0]).toMatchObject({ action: 'campaign.create', userId: u.id, userEmail: u.email, apiKeyId: null });
  });

  it('when the password is wrong, then 401 with no hint which part; after the limit the account is locked with Retry-After, even for the right password', async () => {
    const u = await newUser();
    const unknown = await api.http.post('/v1/auth/login').send({ email: 'nobody@example.com', password: PASSWORD });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_credentials');
    for (let i = 0; i < 3; i++) {
      const bad = await api.http.post('/v1/auth/login').send({ email: u.email, password: 'wrong password!!' });
      expect(bad.status).toBe(401);
      expect(bad.body.error.message).toBe(unknown.body.error.message);
    }
    const locked = await api.http.post('/v1/auth/login').send({ email: u.email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('login_throttled');
    expect(Number(locked.headers['retry-after'] ?? locked.body.error.details.retryAfterSeconds)).toBeGreaterThan(60);
    // Another account from the same address is not locked by it.
    const other = await newUser();
    await login(other.email);
    const bad = await api.http.post('/v1/auth/login').send({ email: 'x', password: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
  });

  it('when a session id exists before sign-in, then it is never accepted after it (no fixation), and a second sign-in ends the first session', async () => {
    const u = await newUser();
    const planted = 'dialer_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect((await api.http.get('/v1/auth/session').set('Cookie', planted)).status).toBe(401);
    const s = await login(u.email, PASSWORD, { Cookie: planted });
    expect(s.cookie).not.toBe(planted);
    expect((await api.http.get('/v1/auth/session').set('Cookie', planted)).status).toBe(401);
    expect((await api.http.get('/v1/auth/session').set('Cookie', s.cookie)).status).toBe(200);
    const again = await login(u.email, PASSWORD, { Cookie: s.cookie });
    expect(again.cookie).not.toBe(s.cookie);
    expect((await api.http.get('/v1/auth/session').set('Cookie', s.cookie)).status).toBe(401);
    expect((await api.http.get('/v1/auth/session').set('Cookie', again.cookie)).status).toBe(200);
  });

  it('when a write comes from another site or without the CSRF token, then 403 and nothing changes', async () => {
    const u = await newUser();
    const s = await login(u.email);
    const before = await campaignCount();
    const noToken = await api.http.post('/v1/campaigns').set('Cookie', s.cookie).send({ name: 'forged' });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('csrf_failed');
    const wrongToken = await api.http.post('/v1/campaigns').set('Cookie', s.cookie).set('X-CSRF-Token', 'x'.repeat(32)).send({ name: 'forged' });
    expect(wrongToken.status).toBe(403);
    const crossOrigin = await api.http.post('/v1/campaigns').set('Cookie', s.cookie).set('Origin', 'https://evil.example')
      .set('X-CSRF-Token', s.csrf).send({ name: 'forged' });
    expect(crossOrigin.body.error.code).toBe('csrf_failed');
    // A classic cross-site form post: urlencoded body, foreign Origin, the browser's cookie, no header.
    const form = await api.http.post('/v1/campaigns').set('Cookie', s.cookie).set('Origin', 'https://evil.example')
      .set('Content-Type', 'application/x-www-form-urlencoded').send('name=forged');
    expect(form.status).toBe(403);
    const crossSiteLogin = await api.http.post('/v1/auth/login').set('Sec-Fetch-Site', 'cross-site').send({ email: u.email, password: PASSWORD });
    expect(crossSiteLogin.status).toBe(403);
    expect(await campaignCount()).toBe(before);
    const sameOrigin = await api.http.post('/v1/campaigns').set('Cookie', s.cookie).set('Origin', api.base).set('X-CSRF-Token', s.csrf).send({ name: 'real' });
    expect(sameOrigin.status).toBe(201);
  });

  it('when a request carries both an API key and a session, then 400; an API key cannot use the session routes', async () => {
    const u = await newUser();
    const s = await login(u.email);
    const both = await api.http.get('/v1/campaigns').set('Cookie', s.cookie).set(api.auth());
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('ambiguous_credentials');
    const keySession = await api.http.get('/v1/auth/session').set(api.auth());
    expect(keySession.status).toBe(403);
    expect(keySession.body.error.code).toBe('session_required');
  });

  it('when a person signs out, is deactivated or changes role, then it takes effect on the very next request', async () => {
    const admin = await login((await newUser('admin')).email);
    const target = await newUser('manager');
    const s = await login(target.email);
    const s2 = await login(target.email); // a second browser
    const out = await api.http.post('/v1/auth/logout').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);
    expect(out.status).toBe(204);
    expect((await api.http.get('/v1/campaigns').set('Cookie', s.cookie)).status).toBe(401);
    expect((await api.http.get('/v1/campaigns').set('Cookie', s2.cookie)).status).toBe(200);

    const toViewer = await api.http.patch(`/v1/users/${target.id}`).set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrf).send({ role: 'viewer' });
    expect(toViewer.status).toBe(200);
    const forged = await api.http.post('/v1/campaigns').set('Cookie', s2.cookie).set('X-CSRF-Token', s2.csrf).send({ name: 'as viewer' });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('forbidden');

    const off = await api.http.patch(`/v1/users/${target.id}`).set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrf).send({ active: false });
    expect(off.body.active).toBe(false);
    expect((await api.http.get('/v1/campaigns').set('Cookie', s2.cookie)).status).toBe(401);
    const relogin = await api.http.post('/v1/auth/login').send({ email: target.email, password: PASSWORD });
    expect(relogin.status).toBe(403);
    expect(relogin.body.error.code).toBe('account_inactive');
  });

  it('when a session is idle too long or past its absolute lifetime, then it is refused', async () => {
    const u = await newUser();
    const idle = await login(u.email);
    const absolute = await login(u.email);
    const hashOf = async (cookie: string) => (await import('../src/users/sessions')).hashToken(cookie.split('=')[1]!);
    await api.ctx.ds.query(`UPDATE user_sessions SET last_seen_at = now() - interval '61 minutes' WHERE token_hash = $1`, [await hashOf(idle.cookie)]);
    await api.ctx.ds.query(`UPDATE user_sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [await hashOf(absolute.cookie)]);
    const a = await api.http.get('/v1/campaigns').set('Cookie', idle.cookie);
    expect(a.status).toBe(401);
    expect(sessionCookieOf(a)).toBeUndefined(); // and the dead cookie is cleared
    expect((await api.http.get('/v1/campaigns').set('Cookie', absolute.cookie)).status).toBe(401);
  });

  it('when an admin invites a person, then the one-time link sets a 12+ character password, signs in, and cannot be used again', async () => {
    const admin = await login((await newUser('admin')).email);
    const inv = await api.http.post('/v1/users/invitations').set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrf)
      .send({ email: 'Grace@Example.com', role: 'viewer', name: 'Grace' });
    expect(inv.status).toBe(201);
    expect(inv.body.user).toMatchObject({ email: 'grace@example.com', role: 'viewer', invitationAccepted: false });
    expect(inv.body.inviteUrl).toBe(`${api.base}/accept-invite?token=${inv.body.inviteToken as string}`);
    expect(new Date(inv.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(71 * 3_600_000);
    const dup = await api.http.post('/v1/users/invitations').set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrf).send({ email: 'grace@example.com', role: 'viewer' });
    expect(dup.status).toBe(409);
    // Not signed in until the invitation is accepted.
    expect((await api.http.post('/v1/auth/login').send({ email: 'grace@example.com', password: PASSWORD })).status).toBe(401);
    const short = await api.http.post('/v1/auth/accept-invite').send({ token: inv.body.inviteToken, password: 'short' });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body.error.details)).toContain('password');
    const ok = await api.http.post('/v1/auth/accept-invite').send({ token: inv.body.inviteToken, password: PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ email: 'grace@example.com', name: 'Grace', invitationAccepted: true });
    expect(sessionCookieOf(ok)).toBeDefined();
    const again = await api.http.post('/v1/auth/accept-invite').send({ token: inv.body.inviteToken, password: PASSWORD });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('invalid_token');
    await login('grace@example.com');

    // A reset link replaces the password and ends the sessions of the old one; an expired link is refused.
    const old = await login('grace@example.com');
    const reset = await api.http.post(`/v1/users/${inv.body.user.id as string}/reset-password`).set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrf);
    expect(reset.status).toBe(200);
    await api.http.post('/v1/auth/accept-invite').send({ token: reset.body.inviteToken, password: 'a brand new password' }).expect(200);
    expect((await api.http.get('/v1/campaigns').set('Cookie', old.cookie)).status).toBe(401);
    await login('grace@example.com', 'a brand new password');
    const late = await api.http.post(`/v1/users/${inv.body.user.id as string}/reset-password`).set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrf);
    await api.ctx.ds.query(`UPDATE user_tokens SET expires_at = now() - interval '1 second'`);
    expect((await api.http.post('/v1/auth/accept-invite').send({ token: late.body.inviteToken, password: PASSWORD })).body.error.code).toBe('invalid_token');

    const audit = await api.http.get(`/v1/audit-log?entityType=user&entityId=${inv.body.user.id as string}`).set(api.auth());
    expect(audit.body.data.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['user.invite', 'user.accept_invite', 'user.reset_password', 'user.login']));
  });

  it('when only managers, viewers or another tenant try the user routes, then 403 or 404; the last admin cannot be removed', async () => {
    const manager = await login((await newUser('manager')).email);
    const list = await api.http.get('/v1/users').set('Cookie', manager.cookie);
    expect(list.status).toBe(403);
    const b = await createTenant(api.ctx.ds, 'tenant B of sessions');
    const bAdmin = await login((await newUser('admin', b.tenantId)).email);
    const mine = await newUser('viewer');
    const foreign = await api.http.patch(`/v1/users/${mine.id}`).set('Cookie', bAdmin.cookie).set('X-CSRF-Token', bAdmin.csrf).send({ role: 'admin' });
    expect(foreign.status).toBe(404);
    const bList = await api.http.get('/v1/users').set('Cookie', bAdmin.cookie);
    expect(bList.body.data.map((u: { email: string }) => u.email)).not.toContain(mine.email);
    const bAdminId = bList.body.data[0].id as string;
    const last = await api.http.patch(`/v1/users/${bAdminId}`).set('Cookie', bAdmin.cookie).set('X-CSRF-Token', bAdmin.csrf).send({ active: false });
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last_admin');
  });

  it('when the two admins of a team demote each other at the same moment, then one change is refused as last_admin and one admin is left', async () => {
    for (let round = 0; round < 5; round++) {
      const t = await createTenant(api.ctx.ds, `two admins ${round}`);
      const [a, b] = [await newUser('admin', t.tenantId), await newUser('admin', t.tenantId)];
      const auth = { tenantId: t.tenantId, role: 'admin' as const, apiKeyId: null, userId: a.id };
      const outcomes = await Promise.allSettled([updateUser(api.ctx.ds, auth, a.id, { role: 'viewer' }), updateUser(api.ctx.ds, auth, b.id, { active: false })]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(refused?.reason).toMatchObject({ code: 'last_admin', status: 409 });
      const [admins] = await api.ctx.ds.query(`SELECT count(*)::int AS n FROM users WHERE tenant_id = $1 AND role = 'admin' AND active`, [t.tenantId]) as Array<{ n: number }>;
      expect(admins!.n).toBe(1);
    }
  });

  it('when the browser opens the live stream with its session cookie, then events flow (EventSource sends no Authorization header)', async () => {
    const s = await login((await newUser('viewer')).email);
    const [c] = await api.ctx.ds.query(`INSERT INTO campaigns (tenant_id, name) VALUES ($1, 'live') RETURNING id`, [api.tenant.tenantId]) as Array<{ id: string }>;
    const first = await new Promise<string>((resolve, reject) => {
      const req = http.get(`${api.base}/v1/campaigns/${c!.id}/events`, { headers: { Cookie: s.cookie, Accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => {
          text += chunk;
          if (!text.includes('\n\n') || !text.includes('event:')) return;
          req.destroy();
          resolve(text);
        });
      });
      req.on('error', reject);
    });
    expect(first).toMatch(/event: \w+\ndata: \{/);
  });
});

describe('campaign-api sessions in production', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi('sessions_prod', { SESSION_COOKIE_SECURE: 'true' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('when cookies are Secure, then the cookie is __Host- prefixed and Secure', async () => {
    await createUser(api.ctx.ds, { tenantId: api.tenant.tenantId, email: 'ops@example.com', role: 'admin', password: PASSWORD });
    const res = await api.http.post('/v1/auth/login').send({ email: 'ops@example.com', password: PASSWORD });
    expect(res.status).toBe(200);
    const raw = (res.headers['set-cookie'] as unknown as string[])[0]!;
    expect(raw).toMatch(/^__Host-dialer_session=/);
    expect(raw).toMatch(/; Secure/i);
    expect(raw).toMatch(/HttpOnly/i);
  });
});
