import { Outlet } from 'react-router';

import { AuthLayout } from '@/components/layouts/auth-layout';

export function PublicLayout() {
  return (
    <AuthLayout>
      <Outlet />
    </AuthLayout>
  );
}
