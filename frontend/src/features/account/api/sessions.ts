import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { ensureOk, unwrap } from '@/lib/api/problem';
import type { components } from '@/lib/api/schema';

export type SessionInfo = components['schemas']['SessionInfo'];

export const sessionsQueryKey = ['me', 'sessions'] as const;

/** `GET /me/sessions`: the signed-in browsers and devices, most recently active first. */
export function useSessions() {
  return useQuery({
    queryKey: sessionsQueryKey,
    queryFn: async () => unwrap(await api.GET('/me/sessions')),
  });
}

/** `DELETE /me/sessions/{id}`: signs that device out. */
export function useEndSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => ensureOk(await api.DELETE('/me/sessions/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionsQueryKey }),
  });
}
