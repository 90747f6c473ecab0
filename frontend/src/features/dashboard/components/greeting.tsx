import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

export type DayPart = 'morning' | 'afternoon' | 'evening';

export function dayPart(date: Date): DayPart {
  const hour = date.getHours();
  return hour >= 5 && hour < 12 ? 'morning' : hour >= 12 && hour < 18 ? 'afternoon' : 'evening';
}

/** "Good morning, Claire" and today's date, in the user's language and clock. */
export function useGreeting(name: string, now: Date): { greeting: string; today: string } {
  const { t } = useI18n();
  const format = useFormat();
  return {
    greeting: t(`dashboard.greeting.${dayPart(now)}`, { name }),
    today: t('dashboard.today', { date: format.longDate(now) }),
  };
}
