import type { EntityManager } from '@dialer/db';
import { randomToken } from '@dialer/platform';
import { hashToken, INVITE_TTL_MS } from './sessions';
import type { UserLink } from './user.dto';
import { insertUserToken, type UserTokenPurpose } from './users.repository';

/**
 * A new one-time link for a user (an invitation or a password reset), stored in the caller's
 * transaction; earlier unused links of the user stop working. `linkBase` is the dashboard's origin.
 */
export async function issueUserLink(m: EntityManager, userId: string, purpose: UserTokenPurpose, linkBase: string): Promise<UserLink> {
  const token = randomToken(32);
  const expiresAt = await insertUserToken(m, { tokenHash: hashToken(token), userId, purpose, ttlMs: INVITE_TTL_MS });
  return { inviteToken: token, inviteUrl: `${linkBase}/accept-invite?token=${token}`, expiresAt };
}
