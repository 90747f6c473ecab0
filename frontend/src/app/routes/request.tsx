import { useLocation, useParams } from 'react-router';

import { RequestDetail } from '@/features/requests/components/request-detail';

export function RequestRoute() {
  const { id = '' } = useParams();
  const location = useLocation();
  const notice = (location.state as { notice?: string } | null)?.notice;
  return <RequestDetail key={id} id={id} notice={notice} />;
}
