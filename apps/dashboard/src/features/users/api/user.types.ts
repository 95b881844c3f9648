import type { Role } from '../../auth/api/session.types';

/** The users contract (GET/PATCH /v1/users, invitations, reset links): not in the OpenAPI document yet. */
export interface User { id: string; email: string; name: string | null; role: Role; active: boolean; createdAt: string; lastLoginAt: string | null }
export interface InviteLink { inviteToken: string; inviteUrl: string; expiresAt: string }
export const usersKey = ['users', 'list'] as const;
