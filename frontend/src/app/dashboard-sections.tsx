import type { ComponentType } from 'react';

import { UpcomingAppointmentsSection } from '@/features/appointments/components/upcoming-appointments-section';
import { FollowUpsSection } from '@/features/follow-ups/components/follow-ups-section';
import { OpenRequestsSection } from '@/features/requests/components/open-requests-section';
import { LatestTimelineSection } from '@/features/timeline/components/latest-timeline-section';
import type { paths } from '@/lib/api/schema';

/**
 * The dashboard's activity sections (upcoming appointments, open requests, follow-ups, latest
 * timeline entries). Each names the portal API route it reads, and that name must be a key of the
 * generated `paths`: a section can only be registered once its API exists in
 * `openapi/portal.json` (regenerate with `npm run api:generate`), so the dashboard never shows
 * made-up data.
 */
export interface DashboardSection {
  id: string;
  route: keyof paths;
  component: ComponentType;
}

export const dashboardSections: readonly DashboardSection[] = [
  { id: 'upcoming-appointments', route: '/appointments', component: UpcomingAppointmentsSection },
  { id: 'open-requests', route: '/requests', component: OpenRequestsSection },
  { id: 'follow-ups', route: '/follow-ups', component: FollowUpsSection },
  { id: 'latest-timeline', route: '/timeline', component: LatestTimelineSection },
];
