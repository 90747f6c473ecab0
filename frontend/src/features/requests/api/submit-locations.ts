import { useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components } from '@/lib/api/schema';

export type GrantedLocation = components['schemas']['LocationDto'];

/**
 * Every granted location (all pages), for the request form's location choice and for showing
 * request times in the location's own time zone.
 */
export function useGrantedLocations() {
  return useQuery({
    queryKey: ['requests', 'locations'],
    queryFn: async () => {
      const all: GrantedLocation[] = [];
      let cursor: string | undefined;
      do {
        const page = unwrap(await api.GET('/locations', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }));
        all.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return all;
    },
    staleTime: 5 * 60_000,
  });
}
