import { QueryClient } from '@tanstack/react-query';

import { isApiError } from '@/lib/api/problem';

/**
 * Queries retry once on network failures and 5xx answers, never on 4xx (a 404 stays a 404).
 * Mutations never retry: a sign-in or a password change must not be sent twice by itself.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failureCount, error) => {
          if (isApiError(error) && error.status >= 400 && error.status < 500) {
            return false;
          }
          return failureCount < 1;
        },
        refetchOnWindowFocus: false,
        staleTime: 30_000,
      },
      mutations: { retry: false },
    },
  });
}
