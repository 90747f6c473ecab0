import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { ensureOk } from '@/lib/api/problem';

/** `POST /auth/password-reset`: always 202, whether or not the email has an account. */
export function useRequestReset() {
  return useMutation({
    mutationFn: async (email: string) => ensureOk(await api.POST('/auth/password-reset', { body: { email } })),
  });
}

/** `POST /auth/password-reset/{token}`: sets the new password; every session ends. */
export function useCompleteReset(token: string) {
  return useMutation({
    mutationFn: async (password: string) =>
      ensureOk(await api.POST('/auth/password-reset/{token}', { params: { path: { token } }, body: { password } })),
  });
}
