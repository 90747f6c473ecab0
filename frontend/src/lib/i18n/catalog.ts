import { de } from '@/lib/i18n/messages/de';
import { en, type MessageKey, type Messages } from '@/lib/i18n/messages/en';
import { fr } from '@/lib/i18n/messages/fr';
import type { Locale } from '@/lib/i18n/locales';

export type { MessageKey, Messages };

export const catalogs: Record<Locale, Messages> = { en, fr, de };

/** Keys that come as `.one` / `.other` plural forms, named without the suffix. */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer Base}.other` ? Base : never) : never;

export type Vars = Record<string, string | number>;

/** Replaces `{name}` placeholders; an unknown placeholder stays visible rather than vanishing. */
export function interpolate(template: string, vars?: Vars): string {
  if (!vars) {
    return template;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : String(value);
  });
}

export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  return interpolate(catalogs[locale][key] ?? catalogs.en[key], vars);
}

export function translatePlural(locale: Locale, key: PluralKey, count: number, vars?: Vars): string {
  const rule = new Intl.PluralRules(locale).select(count);
  const form = `${key}.${rule}` as MessageKey;
  const template = catalogs[locale][form] ?? catalogs[locale][`${key}.other` as MessageKey];
  return interpolate(template, { count: new Intl.NumberFormat(locale).format(count), ...vars });
}
