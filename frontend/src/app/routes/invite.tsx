import { useParams } from 'react-router';

import { AcceptInvitation } from '@/features/auth/components/accept-invitation';

export function InviteRoute() {
  const { token = '' } = useParams();
  return <AcceptInvitation key={token} token={token} />;
}
