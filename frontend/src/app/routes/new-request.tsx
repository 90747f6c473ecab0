import { PageHeader } from '@/components/layouts/page';
import { NewRequestForm } from '@/features/requests/components/new-request-form';
import { useI18n } from '@/lib/i18n/i18n';

export function NewRequestRoute() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('newRequest.title')} documentTitle={t('newRequest.pageTitle')} description={t('newRequest.intro')} />
      <NewRequestForm />
    </>
  );
}
