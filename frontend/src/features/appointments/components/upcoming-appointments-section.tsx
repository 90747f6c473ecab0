import { ButtonLink } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { paths } from '@/config/paths';
import { AppointmentsList } from '@/features/appointments/components/appointments-list';
import { useI18n } from '@/lib/i18n/i18n';

/** The dashboard's "upcoming appointments" section: the next five visits. */
export function UpcomingAppointmentsSection() {
  const { t } = useI18n();
  return (
    <Card
      title={t('appointments.dashboardTitle')}
      id="upcoming-appointments"
      className="dashboard__wide"
      actions={
        <ButtonLink to={paths.appointments} variant="secondary">
          {t('appointments.dashboardAll')}
        </ButtonLink>
      }
    >
      <AppointmentsList filter={{}} limit={5} />
    </Card>
  );
}
