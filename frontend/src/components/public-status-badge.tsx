import { Badge } from '@/components/ui/badge';
import type { components } from '@/lib/api/schema';

export type PublicStatus = components['schemas']['PortalAppointmentDto']['status'];

const TONES: Record<PublicStatus, 'neutral' | 'info' | 'success' | 'danger'> = {
  submitted: 'info',
  in_review: 'info',
  accepted: 'success',
  planned: 'success',
  rejected: 'danger',
  cancelled: 'neutral',
  open: 'info',
  scheduled: 'success',
  on_the_way: 'info',
  in_progress: 'info',
  on_hold: 'neutral',
  completed: 'success',
  could_not_access: 'danger',
  shared: 'success',
  follow_up_required: 'info',
  follow_up_planned: 'success',
  done: 'success',
};

/** A public status (of a visit, work item or follow-up), labelled by the server in the user's language. */
export function PublicStatusBadge({ status, label }: { status: PublicStatus; label: string }) {
  return <Badge tone={TONES[status]}>{label}</Badge>;
}
