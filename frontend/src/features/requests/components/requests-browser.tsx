import { useId, useState } from 'react';

import { SelectField } from '@/components/ui/field';
import { useGrantedLocations } from '@/features/requests/api/submit-locations';
import { RequestsList } from '@/features/requests/components/requests-list';
import { useI18n } from '@/lib/i18n/i18n';

type Show = 'open' | 'closed' | 'all';

/** The requests page body: open / closed / all, optionally at one location. */
export function RequestsBrowser() {
  const { t } = useI18n();
  const [show, setShow] = useState<Show>('open');
  const [location, setLocation] = useState('');
  const locations = useGrantedLocations();
  const groupId = useId();

  const filter = {
    ...(show === 'all' ? {} : { open: show === 'open' }),
    ...(location ? { location_id: location } : {}),
  };

  return (
    <div className="stack">
      <div className="filters">
        <div className="segmented" role="group" aria-labelledby={groupId}>
          <span id={groupId} className="segmented__label">
            {t('requests.filterLabel')}
          </span>
          {(['open', 'closed', 'all'] as const).map((value) => (
            <button
              key={value}
              type="button"
              className="segmented__option"
              aria-pressed={show === value}
              onClick={() => setShow(value)}
            >
              {t(value === 'open' ? 'requests.filterOpen' : value === 'closed' ? 'requests.filterClosed' : 'requests.filterAll')}
            </button>
          ))}
        </div>
        {locations.data && locations.data.length > 1 ? (
          <div className="filters__location">
            <SelectField
              label={t('requests.filterLocation')}
              value={location}
              onChange={(e) => setLocation(e.target.value)}
              options={[{ value: '', label: t('requests.allLocations') }, ...locations.data.map((l) => ({ value: l.id, label: l.name }))]}
            />
          </div>
        ) : null}
      </div>
      <RequestsList filter={filter} emptyText={show === 'open' ? t('requests.emptyOpen') : t('requests.empty')} />
    </div>
  );
}
