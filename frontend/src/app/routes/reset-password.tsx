import { useParams } from 'react-router';

import { PageHeader } from '@/components/layouts/page';
import { ResetPasswordForm } from '@/features/auth/components/reset-password-form';
import { useI18n } from '@/lib/i18n/i18n';

export function ResetPasswordRoute() {
  const { t } = useI18n();
  const { token = '' } = useParams();
  return (
    <div className="stack">
      <PageHeader title={t('reset.newTitle')} documentTitle={t('reset.newPageTitle')} description={t('reset.newIntro')} />
      <ResetPasswordForm key={token} token={token} />
    </div>
  );
}
