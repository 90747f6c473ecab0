import { useState } from 'react';

import { LocationFilter } from '@/components/location-filter';
import { WorkList } from '@/features/work/components/work-list';

/** The work page body: open work, optionally at one location. */
export function WorkBrowser() {
  const [location, setLocation] = useState('');
  return (
    <div className="stack">
      <LocationFilter value={location} onChange={setLocation} />
      <WorkList filter={location ? { location_id: location } : {}} />
    </div>
  );
}
