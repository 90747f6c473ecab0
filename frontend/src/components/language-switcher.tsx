import { useId } from 'react';

import { useUpdateMe } from '@/lib/auth/me';
import { useSessionStatus } from '@/lib/auth/use-session';
import { useI18n } from '@/lib/i18n/i18n';
import { isLocale, LOCALES } from '@/lib/i18n/locales';

/**
 * Switches the UI language at once; when signed in, also saves it to the account
 * (`PATCH /me`), so mails and the next sign-in use it too.
 */
export function LanguageSwitcher() {
  const { locale, setLocale, t } = useI18n();
  const status = useSessionStatus();
  const update = useUpdateMe();
  const id = useId();

  return (
    <div className="lang-switch">
      <label htmlFor={id} className="lang-switch__label">
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
          <path
            d="M10 1.8a8.2 8.2 0 1 0 0 16.4 8.2 8.2 0 0 0 0-16.4Zm5.9 7.4h-2.6a13 13 0 0 0-1.2-5 6.6 6.6 0 0 1 3.8 5ZM10 3.5c.7.9 1.6 2.8 1.8 5.7H8.2C8.4 6.3 9.3 4.4 10 3.5ZM7.9 4.2a13 13 0 0 0-1.2 5H4.1a6.6 6.6 0 0 1 3.8-5Zm-3.8 6.6h2.6a13 13 0 0 0 1.2 5 6.6 6.6 0 0 1-3.8-5Zm5.9 5.7c-.7-.9-1.6-2.8-1.8-5.7h3.6c-.2 2.9-1.1 4.8-1.8 5.7Zm2.1-.7a13 13 0 0 0 1.2-5h2.6a6.6 6.6 0 0 1-3.8 5Z"
            fill="currentColor"
          />
        </svg>
        <span className="visually-hidden">{t('language.label')}</span>
      </label>
      <select
        id={id}
        className="lang-switch__select"
        value={locale}
        onChange={(e) => {
          const next = e.target.value;
          if (!isLocale(next)) {
            return;
          }
          setLocale(next);
          if (status === 'signed-in') {
            update.mutate({ locale: next });
          }
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`language.${l}`)}
          </option>
        ))}
      </select>
      {update.isError ? (
        <p className="lang-switch__error" role="alert">
          {t('language.saveFailed')}
        </p>
      ) : null}
    </div>
  );
}
