import { useSession } from './api/get-session';
import type { Permission } from './permissions';

/** Whether the signed-in person may do this (the server checks again; this only hides controls). */
export function usePermission(permission: Permission): boolean {
  const { data } = useSession();
  return data?.permissions.includes(permission) ?? false;
}
