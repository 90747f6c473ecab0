import { useMutation, useQueryClient } from '@tanstack/react-query';

import { sessionsQueryKey } from '@/features/account/api/sessions';
import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components } from '@/lib/api/schema';
import { authSession } from '@/lib/auth/session';

export type PasswordChange = components['schemas']['PasswordChange'];

/**
 * `POST /me/password`: every other session ends; this one goes on with the access token of the
 * answer (the old one no longer works).
 */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: PasswordChange) => unwrap(await api.POST('/me/password', { body })),
    onSuccess: (token) => {
      authSession.accept(token);
      void queryClient.invalidateQueries({ queryKey: sessionsQueryKey });
    },
  });
}
