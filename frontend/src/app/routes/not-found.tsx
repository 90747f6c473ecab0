import { AppShell } from '@/components/layouts/app-shell';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { PageHeader } from '@/components/layouts/page';
import { ButtonLink } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { useSessionStatus } from '@/lib/auth/use-session';
import { useI18n } from '@/lib/i18n/i18n';

export function NotFoundRoute() {
  const { t } = useI18n();
  const status = useSessionStatus();
  const content = (
    <div className="stack">
      <PageHeader title={t('notFound.title')} documentTitle={t('notFound.pageTitle')} description={t('notFound.body')} />
      <div>
        <ButtonLink to={status === 'signed-in' ? paths.home : paths.login} variant="primary">
          {status === 'signed-in' ? t('notFound.home') : t('common.backToSignIn')}
        </ButtonLink>
      </div>
    </div>
  );
  return status === 'signed-in' ? <AppShell>{content}</AppShell> : <AuthLayout>{content}</AuthLayout>;
}
