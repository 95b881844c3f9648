import { useMutation } from '@tanstack/react-query';
import { request } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import type { Role } from '../../auth/api/session.types';
import { usersKey, type User } from './user.types';

export const updateUser = ({ id, ...body }: { id: string; role?: Role; active?: boolean }) =>
  request<User>('PATCH', `/v1/users/${encodeURIComponent(id)}`, body);

export function useUpdateUser() {
  return useMutation({
    mutationFn: updateUser,
    onSuccess: (u) => queryClient.setQueryData<User[]>(usersKey, (list) => list?.map((x) => (x.id === u.id ? u : x))),
  });
}
