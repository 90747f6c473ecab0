import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components } from '@/lib/api/schema';
import { useSessionStatus } from '@/lib/auth/use-session';

/**
 * The signed-in user (`GET /me`): name, language, notification preferences and the customers
 * they may see. Shared by the app shell, the language switcher and the pages.
 */
export type Me = components['schemas']['Me'];
export type MePatch = components['schemas']['MePatch'];

export const meQueryKey = ['me'] as const;

export async function fetchMe(): Promise<Me> {
  return unwrap(await api.GET('/me'));
}

export async function patchMe(body: MePatch): Promise<Me> {
  return unwrap(await api.PATCH('/me', { body }));
}

export function useMe() {
  const status = useSessionStatus();
  return useQuery({
    queryKey: meQueryKey,
    queryFn: fetchMe,
    enabled: status === 'signed-in',
    staleTime: 60_000,
  });
}

/** `PATCH /me`; the answer replaces the cached user. */
export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: patchMe,
    onSuccess: (me) => {
      const before = queryClient.getQueryData<Me>(meQueryKey);
      queryClient.setQueryData(meQueryKey, me);
      if (before && before.locale !== me.locale) {
        // Some answers carry labels in the account's language (e.g. a request's public status).
        void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
      }
    },
  });
}
