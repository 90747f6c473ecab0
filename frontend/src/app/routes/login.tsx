import { Navigate, useLocation, useSearchParams } from 'react-router';

import { PageHeader } from '@/components/layouts/page';
import { Alert } from '@/components/ui/alert';
import { paths, safeNext } from '@/config/paths';
import { LoginForm } from '@/features/auth/components/login-form';
import { authSession } from '@/lib/auth/session';
import { useSessionStatus } from '@/lib/auth/use-session';
import { useI18n } from '@/lib/i18n/i18n';

export function LoginRoute() {
  const { t } = useI18n();
  const status = useSessionStatus();
  const [params] = useSearchParams();
  const location = useLocation();
  const next = safeNext(params.get('next')) ?? paths.home;

  if (status === 'signed-in') {
    return <Navigate to={next} replace />;
  }

  const notice = (location.state as { notice?: string } | null)?.notice;
  const reason = authSession.getEndReason();
  const message =
    notice === 'password-reset'
      ? t('login.passwordReset')
      : reason === 'signed-out'
        ? t('login.signedOut')
        : reason === 'expired' || params.has('next')
          ? t('login.expired')
          : null;

  return (
    <div className="stack">
      <PageHeader title={t('login.title')} documentTitle={t('login.pageTitle')} description={t('login.intro')} />
      {message ? <Alert tone="info">{message}</Alert> : null}
      <LoginForm />
      <p className="muted small auth-card__footnote">{t('login.byInvitation')}</p>
    </div>
  );
}
