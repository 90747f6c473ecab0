import { Navigate, Outlet, useLocation } from 'react-router';

import { AppShell } from '@/components/layouts/app-shell';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { LoadingState } from '@/components/ui/states';
import { loginPath, paths } from '@/config/paths';
import { authSession } from '@/lib/auth/session';
import { useSessionStatus } from '@/lib/auth/use-session';
import { useI18n } from '@/lib/i18n/i18n';

/**
 * The gate of every signed-in page. While the start-up refresh runs it shows a loading state;
 * without a session it sends the visitor to `/login?next=<this page>` (plain `/login` after an
 * explicit sign-out), and back here after signing in.
 */
export function ProtectedLayout() {
  const { t } = useI18n();
  const status = useSessionStatus();
  const location = useLocation();

  if (status === 'unknown') {
    return (
      <div className="full-page">
        <LoadingState label={t('session.checking')} />
      </div>
    );
  }
  if (status === 'unavailable') {
    return (
      <AuthLayout>
        <div className="stack">
          <h1 className="page-title">{t('session.unavailableTitle')}</h1>
          <Alert tone="error">{t('session.unavailableBody')}</Alert>
          <Button variant="primary" onClick={() => void authSession.start()}>
            {t('common.retry')}
          </Button>
        </div>
      </AuthLayout>
    );
  }
  if (status === 'signed-out') {
    const here = `${location.pathname}${location.search}${location.hash}`;
    const target = authSession.getEndReason() === 'signed-out' ? paths.login : loginPath(here);
    return <Navigate to={target} replace />;
  }
  return (
    <AppShell>
      <Outlet />
    </AppShell>
  );
}
