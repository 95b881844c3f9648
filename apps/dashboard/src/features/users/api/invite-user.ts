import { useMutation } from '@tanstack/react-query';
import { request } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import type { Role } from '../../auth/api/session.types';
import { usersKey, type InviteLink, type User } from './user.types';

export const inviteUser = (body: { email: string; role: Role; name?: string }) =>
  request<InviteLink & { user: User }>('POST', '/v1/users/invitations', body);

export function useInviteUser() {
  return useMutation({ mutationFn: inviteUser, onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }) });
}
