import { useState } from 'react';

import { LocationFilter } from '@/components/location-filter';
import { FollowUpsList } from '@/features/follow-ups/components/follow-ups-list';

/** The follow-ups page body, optionally at one location. */
export function FollowUpsBrowser() {
  const [location, setLocation] = useState('');
  return (
    <div className="stack">
      <LocationFilter value={location} onChange={setLocation} />
      <FollowUpsList filter={location ? { location_id: location } : {}} />
    </div>
  );
}
