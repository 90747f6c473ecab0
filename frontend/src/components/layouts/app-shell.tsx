import { useId, useState, type ReactNode } from 'react';
import { NavLink } from 'react-router';

import { LanguageSwitcher } from '@/components/language-switcher';
import { Brand } from '@/components/layouts/brand';
import { SkipLink } from '@/components/layouts/skip-link';
import { paths } from '@/config/paths';
import { useMe } from '@/lib/auth/me';
import { useSignOut } from '@/lib/auth/use-sign-out';
import type { MessageKey } from '@/lib/i18n/catalog';
import { useI18n } from '@/lib/i18n/i18n';

const NAV: readonly { to: string; label: MessageKey; end?: boolean }[] = [
  { to: paths.home, label: 'shell.nav.dashboard', end: true },
  { to: paths.requests, label: 'shell.nav.requests' },
  { to: paths.appointments, label: 'shell.nav.appointments' },
  { to: paths.work, label: 'shell.nav.work' },
  { to: paths.reports, label: 'shell.nav.reports' },
  { to: paths.timeline, label: 'shell.nav.timeline' },
  { to: paths.locations, label: 'shell.nav.locations' },
  { to: paths.account, label: 'shell.nav.account' },
];

/**
 * The signed-in frame: skip link, header (product, navigation, language, sign-out), main
 * content and footer. Below 760 px the navigation folds behind a "Menu" button.
 */
export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const me = useMe();
  const { signOut, pending } = useSignOut();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();

  return (
    <div className="shell">
      <SkipLink />
      <header className="shell-header">
        <div className="shell-header__inner container">
          <Brand />
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls={menuId}
            onClick={() => setMenuOpen((open) => !open)}
          >
            <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
              {menuOpen ? (
                <path d="M5 5l10 10M15 5 5 15" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
              ) : (
                <path d="M3 5.5h14M3 10h14M3 14.5h14" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
              )}
            </svg>
            <span>{t('shell.menu')}</span>
          </button>
          <div id={menuId} className={menuOpen ? 'shell-menu shell-menu--open' : 'shell-menu'}>
            <nav className="shell-nav" aria-label={t('shell.navLabel')}>
              <ul className="shell-nav__list">
                {NAV.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} end={item.end ?? false} className="shell-nav__link" onClick={() => setMenuOpen(false)}>
                      {t(item.label)}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="shell-user">
              <LanguageSwitcher />
              {me.data ? (
                <span className="shell-user__name" title={t('shell.signedInAs', { name: me.data.display_name })}>
                  <span className="shell-user__avatar" aria-hidden="true">
                    {initials(me.data.display_name)}
                  </span>
                  <span className="visually-hidden">{t('shell.signedInAs', { name: me.data.display_name })}</span>
                  <span className="shell-user__label" aria-hidden="true">
                    {me.data.display_name}
                  </span>
                </span>
              ) : null}
              <button type="button" className="btn btn--ghost shell-user__signout" onClick={() => void signOut()} disabled={pending}>
                {pending ? t('shell.signingOut') : t('shell.signOut')}
              </button>
            </div>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="shell-main container">
        {children}
      </main>
      <footer className="shell-footer">
        <div className="container">
          <p>{t('shell.footer')}</p>
        </div>
      </footer>
    </div>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}
