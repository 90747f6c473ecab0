import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { AppointmentsList } from '@/features/appointments/components/appointments-list';
import type { components } from '@/lib/api/schema';
import { mockApi, problem, token } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

type Appointment = components['schemas']['PortalAppointmentDto'];

function anAppointment(overrides: Partial<Appointment> = {}): Appointment {
  return {
    id: '0b4f7c1e-5555-4c9a-9d1e-000000000005',
    title: 'The cold room does not cool',
    location_id: '0b4f7c1e-3333-4c9a-9d1e-000000000003',
    location_name: 'Lyon Part-Dieu store',
    request_id: '0b4f7c1e-6666-4c9a-9d1e-000000000006',
    starts_at: '2030-03-01T07:00:00Z',
    ends_at: '2030-03-01T09:00:00Z',
    local: {
      timezone: 'Europe/Paris',
      date: '2030-03-01',
      start_time: '08:00',
      end_time: '10:00',
      end_date: '2030-03-01',
      starts_at: '2030-03-01T08:00:00+01:00',
      ends_at: '2030-03-01T10:00:00+01:00',
    },
    status: 'scheduled',
    status_label: 'Scheduled',
    ...overrides,
  };
}

describe('the appointments list', () => {
  it('shows each visit on its location’s wall clock with its public label and request', async () => {
    mockApi({ 'POST /auth/refresh': token(), 'GET /appointments': { body: { items: [anAppointment()] } } });
    renderWithProviders(<AppointmentsList filter={{}} />);

    expect(await screen.findByText('The cold room does not cool')).toBeInTheDocument();
    expect(screen.getByText(/Friday, March 1, 2030, 8:00\s?AM–10:00\s?AM/)).toBeInTheDocument();
    expect(screen.getByText('Scheduled')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'View the request' })).toHaveAttribute('href', '/requests/0b4f7c1e-6666-4c9a-9d1e-000000000006');
  });

  it('loads the next page with the cursor and passes the location filter', async () => {
    const api = mockApi({
      'POST /auth/refresh': token(),
      'GET /appointments': ({ search }) =>
        search.includes('cursor=next-1')
          ? { body: { items: [anAppointment({ id: '0b4f7c1e-5555-4c9a-9d1e-000000000007', title: 'Yearly oven check' })] } }
          : { body: { items: [anAppointment()], next_cursor: 'next-1' } },
    });
    const user = userEvent.setup();
    renderWithProviders(<AppointmentsList filter={{ location_id: 'loc-1' }} />);

    await user.click(await screen.findByRole('button', { name: 'Show more' }));

    expect(await screen.findByText('Yearly oven check')).toBeInTheDocument();
    expect(api.callsTo('GET /appointments').map((c) => c.search)).toEqual(['?location_id=loc-1', '?location_id=loc-1&cursor=next-1']);
  });

  it('explains an empty list, in French too', async () => {
    mockApi({ 'POST /auth/refresh': token(), 'GET /appointments': { body: { items: [] } } });
    renderWithProviders(<AppointmentsList filter={{}} />, { locale: 'fr' });
    expect(await screen.findByText('Aucune intervention n’est prévue pour le moment.')).toBeInTheDocument();
  });

  it('shows a failure with a way to retry', async () => {
    mockApi({ 'POST /auth/refresh': token(), 'GET /appointments': problem(400, 'invalid_query') });
    renderWithProviders(<AppointmentsList filter={{}} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Your appointments could not be loaded.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
