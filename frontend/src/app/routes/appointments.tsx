import { PageHeader } from '@/components/layouts/page';
import { AppointmentsBrowser } from '@/features/appointments/components/appointments-browser';
import { useI18n } from '@/lib/i18n/i18n';

export function AppointmentsRoute() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('appointments.title')} documentTitle={t('appointments.pageTitle')} description={t('appointments.intro')} />
      <AppointmentsBrowser />
    </>
  );
}
