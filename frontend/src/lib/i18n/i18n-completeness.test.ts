import { describe, expect, it } from 'vitest';

import { catalogs } from '@/lib/i18n/catalog';
import { LOCALES } from '@/lib/i18n/locales';

const en = catalogs.en;
const keys = Object.keys(en).sort();
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Keys whose text may legitimately read the same as English (names of languages, loanwords). */
const SAME_AS_ENGLISH = new Set([
  'language.en',
  'language.fr',
  'language.de',
  'shell.menu',
  'common.optional',
  'account.name',
  'account.profileTitle',
  'password.count.one',
  'password.count.other',
  'account.passwordTitle',
  'account.notify.appointments',
  'requests.kind.maintenance',
  'requests.kind.support',
  'request.description',
  'newRequest.description',
  'request.details',
  'request.kind',
]);

describe.each(LOCALES.filter((l) => l !== 'en'))('the %s catalogue', (locale) => {
  const catalog = catalogs[locale] as Record<string, string>;

  it('has every English key and no other', () => {
    expect(Object.keys(catalog).sort()).toEqual(keys);
  });

  it.each(keys)('"%s" is translated with the same placeholders', (key) => {
    const text = catalog[key];
    expect(text, `${locale}: ${key} is missing`).toBeTypeOf('string');
    expect(text!.trim(), `${locale}: ${key} is empty`).not.toBe('');
    expect(placeholders(text!), `${locale}: ${key} has other placeholders`).toEqual(placeholders(en[key as keyof typeof en]));
    if (!SAME_AS_ENGLISH.has(key)) {
      expect(text, `${locale}: ${key} reads exactly like English — not translated?`).not.toBe(en[key as keyof typeof en]);
    }
  });
});

describe('the English catalogue', () => {
  it('has both plural forms for every plural key', () => {
    for (const key of keys.filter((k) => k.endsWith('.one') || k.endsWith('.other'))) {
      const base = key.replace(/\.(one|other)$/, '');
      expect(keys, `${base} lacks a form`).toEqual(expect.arrayContaining([`${base}.one`, `${base}.other`]));
    }
  });

  it('has every key the source code asks for by name', () => {
    const sources = import.meta.glob<string>(['/src/**/*.{ts,tsx}', '!/src/**/*.test.{ts,tsx}', '!/src/lib/i18n/messages/**'], {
      query: '?raw',
      import: 'default',
      eager: true,
    });
    const used = new Set<string>();
    for (const source of Object.values(sources)) {
      for (const m of source.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) {
        used.add(m[1]!);
      }
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });
});
