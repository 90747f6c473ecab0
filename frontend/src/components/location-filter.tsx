import { useQuery } from '@tanstack/react-query';

import { SelectField } from '@/components/ui/field';
import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components } from '@/lib/api/schema';
import { useI18n } from '@/lib/i18n/i18n';

type LocationOption = Pick<components['schemas']['LocationDto'], 'id' | 'name'>;

/** Every granted location (all pages of `GET /locations`), for the lists' location filter. */
function useLocationOptions() {
  return useQuery({
    queryKey: ['locations', 'options'],
    queryFn: async () => {
      const all: LocationOption[] = [];
      let cursor: string | undefined;
      do {
        const page = unwrap(await api.GET('/locations', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }));
        all.push(...page.items.map((l) => ({ id: l.id, name: l.name })));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return all;
    },
    staleTime: 5 * 60_000,
  });
}

/**
 * "Location: all / <one of yours>" above a list. Shown only when there is more than one
 * location to choose from; `''` means every location.
 */
export function LocationFilter({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useI18n();
  const locations = useLocationOptions();
  if (!locations.data || locations.data.length < 2) {
    return null;
  }
  return (
    <div className="filters">
      <div className="filters__location">
        <SelectField
          label={t('filters.location')}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          options={[{ value: '', label: t('filters.allLocations') }, ...locations.data.map((l) => ({ value: l.id, label: l.name }))]}
        />
      </div>
    </div>
  );
}
