import { PageHeader } from '@/components/layouts/page';
import { WorkBrowser } from '@/features/work/components/work-browser';
import { useI18n } from '@/lib/i18n/i18n';

export function WorkRoute() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('work.title')} documentTitle={t('work.pageTitle')} description={t('work.intro')} />
      <WorkBrowser />
    </>
  );
}
