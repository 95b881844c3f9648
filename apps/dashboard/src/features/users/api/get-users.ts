import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api-client';
import { usersKey, type User } from './user.types';

export const getUsers = () => request<{ data: User[] }>('GET', '/v1/users').then((r) => r.data);

export const usersQueryOptions = () => queryOptions({ queryKey: usersKey, queryFn: getUsers });

export function useUsers() {
  return useQuery(usersQueryOptions());
}
