import { Router, type Request } from 'express';
import type { DataSource, EntityManager } from '@dialer/db';
import { AppError, randomToken, validateInput } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import { authOf, pathId } from '../http/request-context';
import { hashToken, INVITE_TTL_MS, ownOrigin, type SessionSettings } from './sessions';
import { InviteUserDto, UpdateUserDto, type InvitedUser, type UserLink, type UserPage, type UserView } from './user.dto';
import {
  countActiveAdmins, findUser, insertUser, insertUserToken, listUsers, lockActiveAdmins, revokeUserSessions, updateUser, userView,
  type UserTokenPurpose,
} from './users.repository';

/** The people of the caller's tenant (admins only): invite, list, change role, deactivate, reset a password. */
export function usersRouter(ds: DataSource, sessions: SessionSettings): Router {
  const r = Router();

  const link = async (m: EntityManager, req: Request, userId: string, purpose: UserTokenPurpose): Promise<UserLink> => {
    const token = randomToken(32);
    const expiresAt = await insertUserToken(m, { tokenHash: hashToken(token), userId, purpose, ttlMs: INVITE_TTL_MS });
    const base = sessions.publicUrl ? sessions.publicUrl.replace(/\/+$/, '') : ownOrigin(req);
    return { inviteToken: token, inviteUrl: `${base}/accept-invite?token=${token}`, expiresAt };
  };

  r.get('/users', async (_req, res) => {
    const { tenantId } = authOf(res);
    res.json({ data: (await listUsers(ds, tenantId)).map(userView), nextCursor: null } satisfies UserPage);
  });

  r.post('/users/invitations', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const dto = validateInput(InviteUserDto, req.body, { where: 'request body' });
    const out = await ds.transaction(async (m) => {
      const u = await insertUser(m, { tenantId, email: dto.email, name: dto.name ?? null, role: dto.role, passwordHash: null });
      if (!u) throw new AppError('user_exists', `a user with the email ${dto.email} exists already`, { status: 409 });
      const l = await link(m, req, u.id, 'invite');
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'user.invite', entityType: 'user', entityId: u.id, after: { email: u.email, role: u.role } });
      return { user: userView(u), ...l } satisfies InvitedUser;
    });
    res.status(201).set('Cache-Control', 'no-store').json(out);
  });

  r.patch('/users/:id', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const id = pathId(req.params.id, 'user');
    const dto = validateInput(UpdateUserDto, req.body, { where: 'request body' });
    const view = await ds.transaction(async (m) => {
      const before = await findUser(m, tenantId, id, true);
      if (!before) throw AppError.notFound('user', id);
      const losesAdmin = before.role === 'admin' && before.active
        && ((dto.role !== undefined && dto.role !== 'admin') || dto.active === false);
      if (losesAdmin) {
        // Serialize admin changes of the tenant, so two requests cannot each remove "another" admin.
        await lockActiveAdmins(m, tenantId);
        if (await countActiveAdmins(m, tenantId) <= 1) {
          throw new AppError('last_admin', 'this is the last active admin of the team: make someone else admin first', { status: 409 });
        }
      }
      const after = await updateUser(m, id, dto);
      if (dto.active === false) await revokeUserSessions(m, id);
      await writeAudit(m, {
        tenantId, apiKeyId, userId, action: 'user.update', entityType: 'user', entityId: id,
        before: { role: before.role, active: before.active, name: before.name }, after: { role: after.role, active: after.active, name: after.name },
      });
      return userView(after) satisfies UserView;
    });
    res.json(view);
  });

  r.post('/users/:id/reset-password', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const id = pathId(req.params.id, 'user');
    const out = await ds.transaction(async (m) => {
      const u = await findUser(m, tenantId, id);
      if (!u) throw AppError.notFound('user', id);
      if (!u.active) throw new AppError('invalid_state', 'the user is deactivated: activate them first', { status: 409 });
      const l = await link(m, req, u.id, u.password_hash ? 'reset' : 'invite');
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'user.password_link', entityType: 'user', entityId: id });
      return l satisfies UserLink;
    });
    res.set('Cache-Control', 'no-store').json(out);
  });

  return r;
}
