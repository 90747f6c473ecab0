import type { components } from '@/lib/api/schema';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

export type LocalWindow = components['schemas']['LocalWindow'];

/**
 * A visit's time window as read on the wall clock of its location ("Tuesday 3 March 2030,
 * 08:00–10:00 CET"), in the user's language. A window that crosses midnight names both days.
 */
export function VisitWindow({ local }: { local: LocalWindow }) {
  const { t } = useI18n();
  const format = useFormat();
  const zone = local.timezone;
  const zoneName = format.zoneName(zone, new Date(local.starts_at));
  const text =
    local.end_date === local.date
      ? t('visit.window', { date: format.longDate(local.starts_at, zone), start: format.time(local.starts_at, zone), end: format.time(local.ends_at, zone), zone: zoneName })
      : t('visit.windowOvernight', { start: format.dateTime(local.starts_at, zone), end: format.dateTime(local.ends_at, zone), zone: zoneName });
  return <time dateTime={local.starts_at}>{text}</time>;
}
