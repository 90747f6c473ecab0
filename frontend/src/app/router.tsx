import type { RouteObject } from 'react-router';

import { AccountRoute } from '@/app/routes/account';
import { AppointmentsRoute } from '@/app/routes/appointments';
import { DashboardRoute } from '@/app/routes/dashboard';
import { FollowUpsRoute } from '@/app/routes/follow-ups';
import { InviteRoute } from '@/app/routes/invite';
import { LocationsRoute } from '@/app/routes/locations';
import { LoginRoute } from '@/app/routes/login';
import { NewRequestRoute } from '@/app/routes/new-request';
import { NotFoundRoute } from '@/app/routes/not-found';
import { ProtectedLayout } from '@/app/routes/protected-layout';
import { PublicLayout } from '@/app/routes/public-layout';
import { ReportRoute } from '@/app/routes/report';
import { ReportsRoute } from '@/app/routes/reports';
import { RequestRoute } from '@/app/routes/request';
import { RequestsRoute } from '@/app/routes/requests';
import { ResetPasswordRoute } from '@/app/routes/reset-password';
import { ResetRequestRoute } from '@/app/routes/reset-request';
import { TimelineRoute } from '@/app/routes/timeline';
import { WorkRoute } from '@/app/routes/work';
import { RouteError } from '@/components/errors/route-error';

/**
 * Every page. Signed-out pages share the auth layout; the others sit behind the session check
 * (a visitor without a session is sent to `/login?next=<where they were>`) inside the app shell.
 */
export const routes: RouteObject[] = [
  {
    errorElement: <RouteError />,
    children: [
      {
        element: <PublicLayout />,
        children: [
          { path: 'login', element: <LoginRoute /> },
          { path: 'invite/:token', element: <InviteRoute /> },
          { path: 'reset', element: <ResetRequestRoute /> },
          { path: 'reset/:token', element: <ResetPasswordRoute /> },
        ],
      },
      {
        element: <ProtectedLayout />,
        children: [
          { index: true, element: <DashboardRoute /> },
          { path: 'requests', element: <RequestsRoute /> },
          { path: 'requests/new', element: <NewRequestRoute /> },
          { path: 'requests/:id', element: <RequestRoute /> },
          { path: 'appointments', element: <AppointmentsRoute /> },
          { path: 'work', element: <WorkRoute /> },
          { path: 'reports', element: <ReportsRoute /> },
          { path: 'reports/:id', element: <ReportRoute /> },
          { path: 'timeline', element: <TimelineRoute /> },
          { path: 'follow-ups', element: <FollowUpsRoute /> },
          { path: 'locations', element: <LocationsRoute /> },
          { path: 'account', element: <AccountRoute /> },
        ],
      },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];
