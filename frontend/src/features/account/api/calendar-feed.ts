import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { ensureOk, unwrap } from '@/lib/api/problem';
import { meQueryKey, type Me } from '@/lib/auth/me';

function useSetFeedEnabled() {
  const queryClient = useQueryClient();
  return (enabled: boolean) => queryClient.setQueryData<Me>(meQueryKey, (me) => (me ? { ...me, calendar_feed_enabled: enabled } : me));
}

/** `POST /me/calendar-feed`: a new private feed URL (shown only now); any previous one stops working. */
export function useCreateCalendarFeed() {
  const setEnabled = useSetFeedEnabled();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST('/me/calendar-feed')),
    onSuccess: () => setEnabled(true),
  });
}

/** `DELETE /me/calendar-feed`: the feed URL stops working. */
export function useRevokeCalendarFeed() {
  const setEnabled = useSetFeedEnabled();
  return useMutation({
    mutationFn: async () => ensureOk(await api.DELETE('/me/calendar-feed')),
    onSuccess: () => setEnabled(false),
  });
}
