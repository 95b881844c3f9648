import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-error';

/** The one client-side store: the server-state cache. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // 4xx answers do not get better by asking again.
      retry: (failures, err) => !(err instanceof ApiError && err.status < 500) && failures < 2,
    },
  },
});
