import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';

import { authSession } from '@/lib/auth/session';

/** Signs out (server and this tab) and forgets every cached answer of the signed-in user. */
export function useSignOut() {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  const signOut = useCallback(async () => {
    setPending(true);
    try {
      await authSession.signOut();
    } finally {
      queryClient.clear();
      setPending(false);
    }
  }, [queryClient]);
  return { signOut, pending };
}
