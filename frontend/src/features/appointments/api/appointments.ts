import { useInfiniteQuery } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components, operations } from '@/lib/api/schema';

export type Appointment = components['schemas']['PortalAppointmentDto'];
export type AppointmentFilter = Omit<NonNullable<operations['list_appointments']['parameters']['query']>, 'cursor'>;

export const appointmentsKey = ['appointments'] as const;

/** `GET /appointments`: the visits that have not ended yet, soonest first, page by page. */
export function useAppointments(filter: AppointmentFilter = {}) {
  return useInfiniteQuery({
    queryKey: [...appointmentsKey, 'list', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/appointments', { params: { query: { ...filter, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
