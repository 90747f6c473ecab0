import { ButtonLink } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { paths } from '@/config/paths';
import { RequestsList } from '@/features/requests/components/requests-list';
import { useI18n } from '@/lib/i18n/i18n';

/** The dashboard's "open requests" section: the five newest open requests. */
export function OpenRequestsSection() {
  const { t } = useI18n();
  return (
    <Card
      title={t('requests.dashboardTitle')}
      id="open-requests"
      className="dashboard__wide"
      actions={
        <ButtonLink to={paths.requests} variant="secondary">
          {t('requests.dashboardAll')}
        </ButtonLink>
      }
    >
      <RequestsList filter={{ open: true }} limit={5} emptyText={t('requests.emptyOpen')} />
    </Card>
  );
}
