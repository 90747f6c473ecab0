import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { LocationsList } from '@/features/locations/components/locations-list';
import { aLocation } from '@/testing/fixtures';
import { mockApi, problem, token } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

const berlin = aLocation({
  id: '0b4f7c1e-4444-4c9a-9d1e-000000000004',
  name: 'Berlin Mitte bakery',
  address: 'Rosenthaler Straße 40',
  city: 'Berlin',
  postal_code: '10178',
  country: 'DE',
  timezone: 'Europe/Berlin',
});

describe('the locations list', () => {
  it('shows each location with its customer, address and local time zone', async () => {
    mockApi({ 'POST /auth/refresh': token(), 'GET /locations': { body: { items: [aLocation(), berlin] } } });
    renderWithProviders(<LocationsList />);

    expect(await screen.findByRole('heading', { name: 'Lyon Part-Dieu store' })).toBeInTheDocument();
    expect(screen.getByText('2 locations')).toBeInTheDocument();
    expect(screen.getByText('10178 Berlin, Germany')).toBeInTheDocument();
    expect(screen.getAllByText(/^Local time /)).toHaveLength(2);
  });

  it('loads further pages on demand with the cursor', async () => {
    const api = mockApi({
      'POST /auth/refresh': token(),
      'GET /locations': ({ search }) =>
        search.includes('cursor=next-1') ? { body: { items: [berlin] } } : { body: { items: [aLocation()], next_cursor: 'next-1' } },
    });
    const user = userEvent.setup();
    renderWithProviders(<LocationsList />);

    await user.click(await screen.findByRole('button', { name: 'Show more' }));

    expect(await screen.findByRole('heading', { name: 'Berlin Mitte bakery' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
    expect(api.callsTo('GET /locations').map((c) => c.search)).toEqual(['?limit=50', '?limit=50&cursor=next-1']);
  });

  it('explains an empty list', async () => {
    mockApi({ 'POST /auth/refresh': token(), 'GET /locations': { body: { items: [] } } });
    renderWithProviders(<LocationsList />, { locale: 'fr' });
    expect(await screen.findByText(/Aucun site ne vous a encore été partagé/)).toBeInTheDocument();
  });

  it('shows a failure with a way to retry', async () => {
    mockApi({ 'POST /auth/refresh': token(), 'GET /locations': problem(400, 'invalid_query') });
    renderWithProviders(<LocationsList />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Your locations could not be loaded.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
