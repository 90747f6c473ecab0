import { PageHeader } from '@/components/layouts/page';
import { ButtonLink } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { RequestsBrowser } from '@/features/requests/components/requests-browser';
import { useMe } from '@/lib/auth/me';
import { useI18n } from '@/lib/i18n/i18n';

export function RequestsRoute() {
  const { t } = useI18n();
  const me = useMe();
  const canSubmit = me.data?.access.some((a) => a.can_submit_requests) ?? false;
  return (
    <>
      <PageHeader
        title={t('requests.title')}
        documentTitle={t('requests.pageTitle')}
        description={t('requests.intro')}
        actions={
          canSubmit ? (
            <ButtonLink to={paths.newRequest} variant="primary">
              {t('requests.new')}
            </ButtonLink>
          ) : null
        }
      />
      <RequestsBrowser />
    </>
  );
}
