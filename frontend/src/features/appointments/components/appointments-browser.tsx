import { useState } from 'react';

import { LocationFilter } from '@/components/location-filter';
import { AppointmentsList } from '@/features/appointments/components/appointments-list';

/** The appointments page body: upcoming visits, optionally at one location. */
export function AppointmentsBrowser() {
  const [location, setLocation] = useState('');
  return (
    <div className="stack">
      <LocationFilter value={location} onChange={setLocation} />
      <AppointmentsList filter={location ? { location_id: location } : {}} />
    </div>
  );
}
