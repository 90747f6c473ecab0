import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';

import { useMe } from '@/lib/auth/me';
import { authSession } from '@/lib/auth/session';
import { I18nProvider, useI18n } from '@/lib/i18n/i18n';
import { isLocale, type Locale } from '@/lib/i18n/locales';
import { createQueryClient } from '@/lib/query-client';

/** Once signed in, the language saved in the account wins over the browser's. */
function LocaleSync() {
  const me = useMe();
  const { setLocale } = useI18n();
  const saved = me.data?.locale;
  useEffect(() => {
    if (isLocale(saved)) {
      setLocale(saved);
    }
  }, [saved, setLocale]);
  return null;
}

/** Everything the pages rely on: queries, language, and the start-up session check. */
export function AppProvider({ children, queryClient, locale }: { children: ReactNode; queryClient?: QueryClient; locale?: Locale }) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  useEffect(() => {
    void authSession.start();
  }, []);
  return (
    <QueryClientProvider client={client}>
      <I18nProvider {...(locale ? { locale } : {})}>
        <LocaleSync />
        {children}
      </I18nProvider>
    </QueryClientProvider>
  );
}
