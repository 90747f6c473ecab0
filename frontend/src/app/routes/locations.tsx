import { PageHeader } from '@/components/layouts/page';
import { LocationsList } from '@/features/locations/components/locations-list';
import { useI18n } from '@/lib/i18n/i18n';

export function LocationsRoute() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('locations.title')} documentTitle={t('locations.pageTitle')} description={t('locations.intro')} />
      <LocationsList />
    </>
  );
}
