import { useRouteError } from 'react-router';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useI18n } from '@/lib/i18n/i18n';

/** Shown when a page crashes while rendering: a calm message and a reload, never a stack trace. */
export function RouteError() {
  const error = useRouteError();
  const { t } = useI18n();
  if (import.meta.env.DEV) {
    console.error(error);
  }
  return (
    <main id="main" className="container route-error">
      <Alert tone="error">{t('errors.generic')}</Alert>
      <Button variant="secondary" onClick={() => window.location.reload()}>
        {t('common.retry')}
      </Button>
    </main>
  );
}
