import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components } from '@/lib/api/schema';
import { authSession } from '@/lib/auth/session';

export type InvitationPreview = components['schemas']['InvitationPreview'];
export type AcceptRequest = components['schemas']['AcceptRequest'];

/** `GET /auth/invitations/{token}`: who is invited, to which companies, until when. */
export function useInvitation(token: string) {
  return useQuery({
    queryKey: ['invitation', token],
    queryFn: async () => unwrap(await api.GET('/auth/invitations/{token}', { params: { path: { token } } })),
    staleTime: Infinity,
  });
}

/** `POST /auth/invitations/{token}/accept`: sets the password and signs in. */
export function useAcceptInvitation(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: AcceptRequest) =>
      unwrap(await api.POST('/auth/invitations/{token}/accept', { params: { path: { token } }, body })),
    onSuccess: (response) => {
      queryClient.clear();
      authSession.accept(response);
    },
  });
}
