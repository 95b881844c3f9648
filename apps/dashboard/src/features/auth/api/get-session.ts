import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, setCsrfToken, unwrap } from '../../../lib/api-client';
import { ApiError } from '../../../lib/api-error';
import { queryClient } from '../../../lib/query-client';
import type { SessionView } from '../../../lib/api-types';

export const sessionKey = ['auth', 'session'] as const;

/** The signed-in person, or null (401: not signed in). */
export async function getSession(): Promise<SessionView | null> {
  try {
    const s = await unwrap(api.GET('/v1/auth/session'));
    setCsrfToken(s.csrfToken);
    return s;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
}

export const sessionQueryOptions = () => queryOptions({ queryKey: sessionKey, queryFn: getSession, staleTime: 5 * 60_000 });

export function useSession() {
  return useQuery(sessionQueryOptions());
}

/** Stores a session answered by sign-in or accept-invite (and its CSRF token). */
export function storeSession(s: SessionView | null): void {
  setCsrfToken(s?.csrfToken ?? null);
  queryClient.setQueryData(sessionKey, s);
}
