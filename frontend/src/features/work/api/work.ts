import { useInfiniteQuery } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components, operations } from '@/lib/api/schema';

export type WorkItem = components['schemas']['WorkItemDto'];
export type WorkFilter = Omit<NonNullable<operations['list_work']['parameters']['query']>, 'cursor'>;

/** `GET /work`: the open work items, newest first, page by page. */
export function useWork(filter: WorkFilter = {}) {
  return useInfiniteQuery({
    queryKey: ['work', 'list', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => unwrap(await api.GET('/work', { params: { query: { ...filter, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
