import type { DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import { openSession, type OpenedSession } from './open-session';
import { hashPassword } from './passwords';
import { hashToken } from './sessions';
import type { AcceptInviteDto } from './user.dto';
import { consumeUserToken, revokeUserSessions, updateUser } from './users.repository';

/**
 * Uses an invitation or reset link once: the password (and name, when given) is set, every session
 * opened with the old password ends, the acceptance or reset is audited, and a new session opens.
 * A link that is unknown, used or expired is refused (400 invalid_token).
 */
export async function acceptInvite(
  ds: DataSource, dto: AcceptInviteDto, o: { previousToken: string | undefined; absoluteMs: number },
): Promise<OpenedSession> {
  const passwordHash = await hashPassword(dto.password);
  return ds.transaction(async (m) => {
    const t = await consumeUserToken(m, hashToken(dto.token));
    if (!t) throw new AppError('invalid_token', 'this link is invalid, already used or expired: ask an admin for a new one', { status: 400 });
    const u = await updateUser(m, t.user_id, { passwordHash, ...(dto.name ? { name: dto.name } : {}) });
    // A new password ends every session opened with the old one.
    await revokeUserSessions(m, u.id);
    await writeAudit(m, {
      tenantId: u.tenant_id, apiKeyId: null, userId: u.id, action: t.purpose === 'invite' ? 'user.accept_invite' : 'user.reset_password',
      entityType: 'user', entityId: u.id,
    });
    return openSession(m, u, o.previousToken, o.absoluteMs);
  });
}
