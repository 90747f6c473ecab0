import { PageHeader } from '@/components/layouts/page';
import { FollowUpsBrowser } from '@/features/follow-ups/components/follow-ups-browser';
import { useI18n } from '@/lib/i18n/i18n';

export function FollowUpsRoute() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('followUps.title')} documentTitle={t('followUps.pageTitle')} description={t('followUps.intro')} />
      <FollowUpsBrowser />
    </>
  );
}
