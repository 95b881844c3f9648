import type { DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import type { UpdateUserDto, UserView } from './user.dto';
import { countActiveAdmins, findUser, lockActiveAdmins, revokeUserSessions, updateUser as writeUser, userView } from './users.repository';

/**
 * Changes a user's role, name or active flag, in one transaction: the user is locked; a change that
 * takes away the tenant's last active admin is refused (409 last_admin), also when two such changes
 * race; a deactivated user's sessions end at once; the change is audited.
 */
export async function updateUser(ds: DataSource, auth: AuthContext, id: string, dto: UpdateUserDto): Promise<UserView> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    // A change that can take an admin away serializes on the tenant's admins, so two requests cannot
    // each remove "another" admin. Those rows are locked before the user's own row: locking the user
    // first let two admins demoting each other deadlock (a 500 instead of last_admin).
    const mayRemoveAdmin = (dto.role !== undefined && dto.role !== 'admin') || dto.active === false;
    if (mayRemoveAdmin) await lockActiveAdmins(m, tenantId);
    const before = await findUser(m, tenantId, id, true);
    if (!before) throw AppError.notFound('user', id);
    if (mayRemoveAdmin && before.role === 'admin' && before.active) {
      if (await countActiveAdmins(m, tenantId) <= 1) {
        throw new AppError('last_admin', 'this is the last active admin of the team: make someone else admin first', { status: 409 });
      }
    }
    const after = await writeUser(m, id, dto);
    if (dto.active === false) await revokeUserSessions(m, id);
    await writeAudit(m, {
      tenantId, apiKeyId, userId, action: 'user.update', entityType: 'user', entityId: id,
      before: { role: before.role, active: before.active, name: before.name }, after: { role: after.role, active: after.active, name: after.name },
    });
    return userView(after);
  });
}
