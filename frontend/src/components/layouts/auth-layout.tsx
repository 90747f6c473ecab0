import type { ReactNode } from 'react';

import { LanguageSwitcher } from '@/components/language-switcher';
import { Brand } from '@/components/layouts/brand';
import { SkipLink } from '@/components/layouts/skip-link';
import { useI18n } from '@/lib/i18n/i18n';

/** The frame of the signed-out pages: sign-in, invitation, password reset. */
export function AuthLayout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="auth-layout">
      <SkipLink />
      <header className="auth-layout__header">
        <Brand />
        <LanguageSwitcher />
      </header>
      <main id="main" tabIndex={-1} className="auth-layout__main">
        <div className="auth-card">{children}</div>
      </main>
      <footer className="auth-layout__footer">
        <p>{t('shell.footer')}</p>
      </footer>
    </div>
  );
}
