import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

/** A new set-password link for the user (UserLink; the admin passes it on). */
export const resetPassword = (id: string) => unwrap(api.POST('/v1/users/{id}/reset-password', { params: { path: { id } } }));

export function useResetPassword() {
  return useMutation({ mutationFn: resetPassword });
}
