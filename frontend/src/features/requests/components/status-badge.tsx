import { Badge } from '@/components/ui/badge';
import type { PortalRequest } from '@/features/requests/api/requests';

const TONES: Record<PortalRequest['status'], 'neutral' | 'info' | 'success' | 'danger'> = {
  submitted: 'info',
  in_review: 'info',
  accepted: 'success',
  planned: 'success',
  rejected: 'danger',
  cancelled: 'neutral',
};

/** The public status, labelled by the server in the user's language. */
export function StatusBadge({ request }: { request: Pick<PortalRequest, 'status' | 'status_label'> }) {
  return <Badge tone={TONES[request.status]}>{request.status_label}</Badge>;
}
