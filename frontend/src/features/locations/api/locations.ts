import { useInfiniteQuery } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components } from '@/lib/api/schema';

export type Location = components['schemas']['LocationDto'];

export const PAGE_SIZE = 50;

/** `GET /locations`, page by page (`next_cursor`), sorted by name by the server. */
export function useLocations(pageSize: number = PAGE_SIZE) {
  return useInfiniteQuery({
    queryKey: ['locations', pageSize],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/locations', { params: { query: { limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
