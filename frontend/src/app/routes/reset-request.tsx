import { PageHeader } from '@/components/layouts/page';
import { ResetRequestForm } from '@/features/auth/components/reset-request-form';
import { useI18n } from '@/lib/i18n/i18n';

export function ResetRequestRoute() {
  const { t } = useI18n();
  return (
    <div className="stack">
      <PageHeader title={t('reset.title')} documentTitle={t('reset.pageTitle')} description={t('reset.intro')} />
      <ResetRequestForm />
    </div>
  );
}
