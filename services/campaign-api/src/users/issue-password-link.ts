import type { DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import type { UserLink } from './user.dto';
import { issueUserLink } from './user-link';
import { findUser } from './users.repository';

/**
 * A link with which an active user sets a new password (a reset), or, when they never accepted
 * their invitation, a fresh invitation link; audited. A deactivated user gets none (409).
 */
export async function issuePasswordLink(ds: DataSource, auth: AuthContext, id: string, linkBase: string): Promise<UserLink> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    const u = await findUser(m, tenantId, id);
    if (!u) throw AppError.notFound('user', id);
    if (!u.active) throw new AppError('invalid_state', 'the user is deactivated: activate them first', { status: 409 });
    const link = await issueUserLink(m, u.id, u.password_hash ? 'reset' : 'invite', linkBase);
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'user.password_link', entityType: 'user', entityId: id });
    return link;
  });
}
