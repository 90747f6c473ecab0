import { useInfiniteQuery } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components, operations } from '@/lib/api/schema';

export type FollowUp = components['schemas']['FollowUpDto'];
export type FollowUpFilter = Omit<NonNullable<operations['list_follow_ups']['parameters']['query']>, 'cursor'>;

/** `GET /follow-ups`: work that a visit left to do, newest first, page by page. */
export function useFollowUps(filter: FollowUpFilter = {}) {
  return useInfiniteQuery({
    queryKey: ['follow-ups', 'list', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/follow-ups', { params: { query: { ...filter, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
