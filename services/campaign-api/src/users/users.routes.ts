import { Router, type Request } from 'express';
import type { DataSource } from '@dialer/db';
import { validateInput } from '@dialer/platform';
import { authOf, pathId } from '../http/request-context';
import { inviteUser } from './invite-user';
import { issuePasswordLink } from './issue-password-link';
import { ownOrigin, type SessionSettings } from './sessions';
import { updateUser } from './update-user';
import { InviteUserDto, UpdateUserDto, type InvitedUser, type UserLink, type UserPage, type UserView } from './user.dto';
import { listUsers, userView } from './users.repository';

/** The people of the caller's tenant (admins only): invite, list, change role, deactivate, reset a password. */
export function usersRouter(ds: DataSource, sessions: SessionSettings): Router {
  const r = Router();

  /** Where the links in invitations and resets point: the configured public URL, else this request's origin. */
  const linkBase = (req: Request): string => (sessions.publicUrl ? sessions.publicUrl.replace(/\/+$/, '') : ownOrigin(req));

  r.get('/users', async (_req, res) => {
    const { tenantId } = authOf(res);
    res.json({ data: (await listUsers(ds, tenantId)).map(userView), nextCursor: null } satisfies UserPage);
  });

  r.post('/users/invitations', async (req, res) => {
    const auth = authOf(res);
    const dto = validateInput(InviteUserDto, req.body, { where: 'request body' });
    const out = await inviteUser(ds, auth, dto, linkBase(req));
    res.status(201).set('Cache-Control', 'no-store').json(out satisfies InvitedUser);
  });

  r.patch('/users/:id', async (req, res) => {
    const auth = authOf(res);
    const id = pathId(req.params.id, 'user');
    const dto = validateInput(UpdateUserDto, req.body, { where: 'request body' });
    res.json(await updateUser(ds, auth, id, dto) satisfies UserView);
  });

  r.post('/users/:id/reset-password', async (req, res) => {
    const auth = authOf(res);
    const id = pathId(req.params.id, 'user');
    res.set('Cache-Control', 'no-store').json(await issuePasswordLink(ds, auth, id, linkBase(req)) satisfies UserLink);
  });

  return r;
}
