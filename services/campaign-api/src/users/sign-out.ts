import type { DataSource } from '@dialer/db';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import { hashToken } from './sessions';
import { revokeSession } from './users.repository';

/** Ends the caller's session (the token of its cookie), audited. */
export async function signOut(ds: DataSource, auth: AuthContext, sessionToken: string): Promise<void> {
  const { tenantId, userId } = auth;
  await ds.transaction(async (m) => {
    await revokeSession(m, hashToken(sessionToken));
    await writeAudit(m, { tenantId, apiKeyId: null, userId, action: 'user.logout', entityType: 'user', entityId: userId });
  });
}
