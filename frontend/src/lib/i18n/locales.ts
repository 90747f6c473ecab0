/** The languages of the portal, as the API spells them (`Me.locale`, `AcceptRequest.locale`). */
export const LOCALES = ['en', 'fr', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The supported locale of a BCP 47 tag by its primary subtag (`fr-CH` → `fr`), if any. */
export function matchLocale(tag: string): Locale | undefined {
  const primary = tag.trim().split(/[-_]/)[0]?.toLowerCase();
  return isLocale(primary) ? primary : undefined;
}

/** The first supported language among the browser's preferences, else English. */
export function detectBrowserLocale(languages: readonly string[] = browserLanguages()): Locale {
  for (const tag of languages) {
    const match = matchLocale(tag);
    if (match) {
      return match;
    }
  }
  return DEFAULT_LOCALE;
}

/**
 * The tag to format dates and numbers with: the browser's own regional variant when it speaks
 * the chosen language (`de-CH`, `en-GB`), else the bare language.
 */
export function intlLocaleFor(locale: Locale, languages: readonly string[] = browserLanguages()): string {
  const regional = languages.find((tag) => matchLocale(tag) === locale && tag.includes('-'));
  if (regional) {
    try {
      return Intl.getCanonicalLocales(regional)[0] ?? locale;
    } catch {
      return locale;
    }
  }
  return locale;
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') {
    return [];
  }
  return navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}
