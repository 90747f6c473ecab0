import { AccessSummary } from '@/components/access-summary';
import { PageHeader } from '@/components/layouts/page';
import { Card } from '@/components/ui/card';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { CalendarFeed } from '@/features/account/components/calendar-feed';
import { ChangePasswordForm } from '@/features/account/components/change-password-form';
import { NotificationsForm } from '@/features/account/components/notifications-form';
import { ProfileForm } from '@/features/account/components/profile-form';
import { SessionsList } from '@/features/account/components/sessions-list';
import { problemMessage } from '@/lib/api/problem-message';
import { useMe } from '@/lib/auth/me';
import { useI18n } from '@/lib/i18n/i18n';

export function AccountRoute() {
  const { t } = useI18n();
  const me = useMe();
  return (
    <>
      <PageHeader title={t('account.title')} documentTitle={t('account.pageTitle')} />
      {me.isPending ? (
        <LoadingState label={t('common.loading')} />
      ) : me.isError ? (
        <ErrorState message={problemMessage(t, me.error)} onRetry={() => void me.refetch()} retryLabel={t('common.retry')} />
      ) : (
        <div className="account-grid">
          <ProfileForm me={me.data} />
          <NotificationsForm me={me.data} />
          <ChangePasswordForm email={me.data.email} />
          <SessionsList />
          <CalendarFeed me={me.data} />
          <Card title={t('account.accessTitle')} id="account-access">
            <AccessSummary access={me.data.access} />
          </Card>
        </div>
      )}
    </>
  );
}
