import { useMemo } from 'react';

import { useI18n } from '@/lib/i18n/i18n';

/**
 * Dates, times and lists in the user's language. A time that belongs to a location (an
 * appointment, a visit) passes that location's IANA `timeZone` so it reads as it does on site;
 * other times (sessions, expiries) use the browser's zone.
 */
export interface Formatters {
  dateTime: (iso: string | Date, timeZone?: string) => string;
  date: (iso: string | Date, timeZone?: string) => string;
  longDate: (iso: string | Date, timeZone?: string) => string;
  time: (iso: string | Date, timeZone?: string) => string;
  /** The day of the month alone ("3"), for a calendar-leaf date. */
  dayOfMonth: (iso: string | Date, timeZone?: string) => string;
  /** The abbreviated month alone ("Mar", "mars"), for a calendar-leaf date. */
  shortMonth: (iso: string | Date, timeZone?: string) => string;
  list: (items: readonly string[]) => string;
  /** A file size in the user's language: "850 kB", "2.4 MB". */
  fileSize: (bytes: number) => string;
  /** A country's name from its ISO 3166-1 alpha-2 code, e.g. "FR" → "France". */
  region: (code: string) => string;
  /** A zone's short name at a given instant, e.g. "CET" or "UTC+1". */
  zoneName: (timeZone: string, at?: Date) => string;
}

export function createFormatters(intlLocale: string): Formatters {
  const format = (options: Intl.DateTimeFormatOptions) => (value: string | Date, timeZone?: string) => {
    const date = typeof value === 'string' ? new Date(value) : value;
    if (Number.isNaN(date.getTime())) {
      return '';
    }
    try {
      return new Intl.DateTimeFormat(intlLocale, { ...options, timeZone }).format(date);
    } catch {
      // An unknown zone name must not break the page: fall back to the browser's zone.
      return new Intl.DateTimeFormat(intlLocale, options).format(date);
    }
  };
  return {
    dateTime: format({ dateStyle: 'medium', timeStyle: 'short' }),
    date: format({ dateStyle: 'medium' }),
    longDate: format({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
    time: format({ timeStyle: 'short' }),
    dayOfMonth: format({ day: 'numeric' }),
    shortMonth: format({ month: 'short' }),
    list: (items) => new Intl.ListFormat(intlLocale, { style: 'long', type: 'conjunction' }).format(items),
    fileSize: (bytes) => {
      const [value, unit] = bytes >= 1_000_000 ? [bytes / 1_000_000, 'megabyte'] : bytes >= 1_000 ? [bytes / 1_000, 'kilobyte'] : [bytes, 'byte'];
      return new Intl.NumberFormat(intlLocale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
    },
    region: (code) => {
      try {
        return new Intl.DisplayNames([intlLocale], { type: 'region' }).of(code.toUpperCase()) ?? code;
      } catch {
        return code;
      }
    },
    zoneName: (timeZone, at = new Date()) => {
      try {
        const parts = new Intl.DateTimeFormat(intlLocale, { timeZone, timeZoneName: 'short' }).formatToParts(at);
        return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
      } catch {
        return timeZone;
      }
    },
  };
}

export function useFormat(): Formatters {
  const { intlLocale } = useI18n();
  return useMemo(() => createFormatters(intlLocale), [intlLocale]);
}
