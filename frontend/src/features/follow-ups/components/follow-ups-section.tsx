import { ButtonLink } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { paths } from '@/config/paths';
import { FollowUpsList } from '@/features/follow-ups/components/follow-ups-list';
import { useI18n } from '@/lib/i18n/i18n';

/** The dashboard's "follow-ups" section: the five newest. */
export function FollowUpsSection() {
  const { t } = useI18n();
  return (
    <Card
      title={t('followUps.dashboardTitle')}
      id="follow-ups"
      actions={
        <ButtonLink to={paths.followUps} variant="secondary">
          {t('followUps.dashboardAll')}
        </ButtonLink>
      }
    >
      <FollowUpsList filter={{}} limit={5} />
    </Card>
  );
}
