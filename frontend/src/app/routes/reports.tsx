import { PageHeader } from '@/components/layouts/page';
import { ReportsBrowser } from '@/features/reports/components/reports-browser';
import { useI18n } from '@/lib/i18n/i18n';

export function ReportsRoute() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('reports.title')} documentTitle={t('reports.pageTitle')} description={t('reports.intro')} />
      <ReportsBrowser />
    </>
  );
}
