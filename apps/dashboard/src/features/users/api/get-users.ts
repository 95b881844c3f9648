import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { usersKey } from './users-keys';

export const getUsers = () => unwrap(api.GET('/v1/users')).then((r) => r.data);

export const usersQueryOptions = () => queryOptions({ queryKey: usersKey, queryFn: getUsers });

export function useUsers() {
  return useQuery(usersQueryOptions());
}
