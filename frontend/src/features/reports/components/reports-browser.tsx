import { useState } from 'react';

import { LocationFilter } from '@/components/location-filter';
import { ReportsList } from '@/features/reports/components/reports-list';

/** The reports page body: shared reports, optionally of one location. */
export function ReportsBrowser() {
  const [location, setLocation] = useState('');
  return (
    <div className="stack">
      <LocationFilter value={location} onChange={setLocation} />
      <ReportsList filter={location ? { location_id: location } : {}} />
    </div>
  );
}
