import { useInfiniteQuery } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components, operations } from '@/lib/api/schema';

export type TimelineEvent = components['schemas']['TimelineEventDto'];
export type TimelineFilter = Omit<NonNullable<operations['list_timeline']['parameters']['query']>, 'cursor'>;

/** `GET /timeline`: customer-safe milestones, newest first, page by page. */
export function useTimeline(filter: TimelineFilter = {}) {
  return useInfiniteQuery({
    queryKey: ['timeline', 'list', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/timeline', { params: { query: { ...filter, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
