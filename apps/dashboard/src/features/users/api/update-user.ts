import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import type { components } from '../../../lib/api-schema';
import type { UserView } from '../../../lib/api-types';
import { queryClient } from '../../../lib/query-client';
import { usersKey } from './users-keys';

export const updateUser = ({ id, ...body }: { id: string } & components['schemas']['UpdateUserDto']) =>
  unwrap(api.PATCH('/v1/users/{id}', { params: { path: { id } }, body }));

export function useUpdateUser() {
  return useMutation({
    mutationFn: updateUser,
    onSuccess: (u) => queryClient.setQueryData<UserView[]>(usersKey, (list) => list?.map((x) => (x.id === u.id ? u : x))),
  });
}
