import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { storeSession } from './get-session';

export const signOut = () => unwrap(api.POST('/v1/auth/logout'));

export function useSignOut() {
  return useMutation({
    mutationFn: signOut,
    onSettled: () => {
      queryClient.clear();
      storeSession(null);
    },
  });
}
