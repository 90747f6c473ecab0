import { ButtonLink } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { paths } from '@/config/paths';
import { TimelineList } from '@/features/timeline/components/timeline-list';
import { useI18n } from '@/lib/i18n/i18n';

/** The dashboard's "latest activity" section: the five newest milestones. */
export function LatestTimelineSection() {
  const { t } = useI18n();
  return (
    <Card
      title={t('timeline.dashboardTitle')}
      id="latest-timeline"
      actions={
        <ButtonLink to={paths.timeline} variant="secondary">
          {t('timeline.dashboardAll')}
        </ButtonLink>
      }
    >
      <TimelineList filter={{}} limit={5} />
    </Card>
  );
}
