import { useMutation } from '@tanstack/react-query';
import { request } from '../../../lib/api-client';
import type { InviteLink } from './user.types';

/** A new set-password link for the user (the admin passes it on). */
export const resetPassword = (id: string) => request<InviteLink>('POST', `/v1/users/${encodeURIComponent(id)}/reset-password`);

export function useResetPassword() {
  return useMutation({ mutationFn: resetPassword });
}
