import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

import { translate, translatePlural, type MessageKey, type PluralKey, type Vars } from '@/lib/i18n/catalog';
import { detectBrowserLocale, intlLocaleFor, isLocale, type Locale } from '@/lib/i18n/locales';

/**
 * The UI language. Before sign-in: the visitor's explicit choice (remembered in localStorage),
 * else the browser's language. Once signed in, the account's saved `locale` wins (see
 * `LocaleSync` in app/provider.tsx), and switching language is saved to the account.
 */
export interface I18n {
  locale: Locale;
  /** The tag for `Intl` formatting (the browser's regional variant of `locale` when it has one). */
  intlLocale: string;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  tn: (key: PluralKey, count: number, vars?: Vars) => string;
}

const STORAGE_KEY = 'ordinavo.locale';
const I18nContext = createContext<I18n | null>(null);

function storedLocale(): Locale | undefined {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function storeLocale(locale: Locale): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // Private mode or storage disabled: the choice lasts for this visit only.
  }
}

export function initialLocale(): Locale {
  return storedLocale() ?? detectBrowserLocale();
}

export function I18nProvider({ children, locale: fixed }: { children: ReactNode; locale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => fixed ?? initialLocale());

  const setLocale = useCallback((next: Locale) => {
    storeLocale(next);
    setLocaleState(next);
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const value = useMemo<I18n>(
    () => ({
      locale,
      intlLocale: intlLocaleFor(locale),
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      tn: (key, count, vars) => translatePlural(locale, key, count, vars),
    }),
    [locale, setLocale],
  );

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) {
    throw new Error('useI18n must be used inside <I18nProvider>');
  }
  return value;
}
