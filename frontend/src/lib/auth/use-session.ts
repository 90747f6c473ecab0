import { useSyncExternalStore } from 'react';

import { authSession, type SessionStatus } from '@/lib/auth/session';

/** The session status, re-rendering on every change. */
export function useSessionStatus(): SessionStatus {
  return useSyncExternalStore(authSession.subscribe, authSession.getStatus, authSession.getStatus);
}
