import { useState } from 'react';

import { LocationFilter } from '@/components/location-filter';
import { TimelineList } from '@/features/timeline/components/timeline-list';

/** The timeline page body: every milestone, optionally at one location. */
export function TimelineBrowser() {
  const [location, setLocation] = useState('');
  return (
    <div className="stack">
      <LocationFilter value={location} onChange={setLocation} />
      <TimelineList filter={location ? { location_id: location } : {}} />
    </div>
  );
}
