import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components } from '@/lib/api/schema';
import { authSession } from '@/lib/auth/session';

export type LoginRequest = components['schemas']['LoginRequest'];

/** `POST /auth/login`: on success the session holds the access token (the cookie is set). */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: LoginRequest) => unwrap(await api.POST('/auth/login', { body })),
    onSuccess: (token) => {
      queryClient.clear();
      authSession.accept(token);
    },
  });
}
