import { PageHeader } from '@/components/layouts/page';
import { TimelineBrowser } from '@/features/timeline/components/timeline-browser';
import { useI18n } from '@/lib/i18n/i18n';

export function TimelineRoute() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('timeline.title')} documentTitle={t('timeline.pageTitle')} description={t('timeline.intro')} />
      <TimelineBrowser />
    </>
  );
}
