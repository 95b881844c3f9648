import type { DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import type { InviteUserDto, InvitedUser } from './user.dto';
import { issueUserLink } from './user-link';
import { insertUser, userView } from './users.repository';

/**
 * Invites a person to the caller's tenant, in one transaction: the user is created without a
 * password (409 when the email is taken), an invitation link is issued, the invitation audited.
 */
export async function inviteUser(ds: DataSource, auth: AuthContext, dto: InviteUserDto, linkBase: string): Promise<InvitedUser> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    const u = await insertUser(m, { tenantId, email: dto.email, name: dto.name ?? null, role: dto.role, passwordHash: null });
    if (!u) throw new AppError('user_exists', `a user with the email ${dto.email} exists already`, { status: 409 });
    const link = await issueUserLink(m, u.id, 'invite', linkBase);
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'user.invite', entityType: 'user', entityId: u.id, after: { email: u.email, role: u.role } });
    return { user: userView(u), ...link };
  });
}
