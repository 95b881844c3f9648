import type { DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { LoginThrottle } from './login-throttle';
import { openSession, type OpenedSession } from './open-session';
import { verifyPassword } from './passwords';
import type { LoginDto } from './user.dto';
import { findUserByEmail } from './users.repository';

/**
 * Signs a person in: refused while the account or the address is throttled; a wrong email or
 * password counts as a failure (401, the same answer for both); a deactivated account gets 403.
 * Otherwise a new session is opened (the previous one ended) and the sign-in audited.
 */
export async function signIn(
  ds: DataSource, throttle: LoginThrottle, dto: LoginDto, o: { ip: string; previousToken: string | undefined; absoluteMs: number },
): Promise<OpenedSession> {
  await throttle.check(dto.email, o.ip);
  const user = await findUserByEmail(ds, dto.email);
  const ok = await verifyPassword(user?.password_hash ?? null, dto.password);
  if (!user || !ok) {
    await throttle.failed(dto.email, o.ip);
    throw new AppError('invalid_credentials', 'the email or the password is wrong', { status: 401 });
  }
  if (!user.active) throw new AppError('account_inactive', 'this account is deactivated: ask an admin of your team', { status: 403 });
  await throttle.succeeded(dto.email, o.ip);
  return ds.transaction(async (m) => {
    const opened = await openSession(m, user, o.previousToken, o.absoluteMs);
    await writeAudit(m, { tenantId: user.tenant_id, apiKeyId: null, userId: user.id, action: 'user.login', entityType: 'user', entityId: user.id });
    return opened;
  });
}
