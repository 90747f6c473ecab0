import { dashboardSections } from '@/app/dashboard-sections';
import { AccessSummary } from '@/components/access-summary';
import { PageHeader } from '@/components/layouts/page';
import { ButtonLink } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useGreeting } from '@/features/dashboard/components/greeting';
import { LocationsList } from '@/features/locations/components/locations-list';
import { problemMessage } from '@/lib/api/problem-message';
import { useMe } from '@/lib/auth/me';
import { useI18n } from '@/lib/i18n/i18n';
import { useNow } from '@/lib/use-now';

/** How many locations the overview shows before "See all locations". */
const LOCATION_PREVIEW = 6;

export function DashboardRoute() {
  const { t } = useI18n();
  const me = useMe();
  const now = useNow();
  const { greeting, today } = useGreeting(me.data?.display_name ?? '', now);

  if (me.isPending) {
    return <LoadingState label={t('common.loading')} />;
  }
  if (me.isError) {
    return <ErrorState message={problemMessage(t, me.error)} onRetry={() => void me.refetch()} retryLabel={t('common.retry')} />;
  }
  const canSubmit = me.data.access.some((a) => a.can_submit_requests);
  return (
    <>
      <PageHeader
        title={greeting}
        documentTitle={t('dashboard.pageTitle')}
        description={today}
        actions={
          canSubmit ? (
            <ButtonLink to={paths.newRequest} variant="primary">
              {t('requests.new')}
            </ButtonLink>
          ) : null
        }
      />
      <div className="dashboard">
        {dashboardSections.map(({ id, component: Section }) => (
          <Section key={id} />
        ))}
        <Card title={t('dashboard.locationsTitle')} id="locations" className="dashboard__locations">
          <LocationsList preview={LOCATION_PREVIEW} />
        </Card>
        <Card title={t('dashboard.accessTitle')} id="access" className="dashboard__access">
          <AccessSummary access={me.data.access} />
        </Card>
      </div>
    </>
  );
}
