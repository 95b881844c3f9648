import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import type { components } from '../../../lib/api-schema';
import { queryClient } from '../../../lib/query-client';
import { usersKey } from './users-keys';

/** The answer (InvitedUser) carries the set-password link the admin passes on. */
export const inviteUser = (body: components['schemas']['InviteUserDto']) => unwrap(api.POST('/v1/users/invitations', { body }));

export function useInviteUser() {
  return useMutation({ mutationFn: inviteUser, onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }) });
}
