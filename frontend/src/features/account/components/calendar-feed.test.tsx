import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { CalendarFeed } from '@/features/account/components/calendar-feed';
import { aMe } from '@/testing/fixtures';
import { mockApi, token } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

const URL_ONCE = 'https://portal.example/api/portal/v1/calendar/secret-token.ics';

describe('the calendar feed', () => {
  it('shows a new link once, with a warning that it is shown only now', async () => {
    const api = mockApi({
      'POST /auth/refresh': token(),
      'POST /me/calendar-feed': { status: 201, body: { url: URL_ONCE } },
      'DELETE /me/calendar-feed': { status: 204 },
    });
    const user = userEvent.setup();
    renderWithProviders(<CalendarFeed me={aMe()} />);

    expect(screen.getByText('No calendar feed is active.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Turn off the feed' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create a feed link' }));

    expect(await screen.findByLabelText('Your calendar feed link')).toHaveValue(URL_ONCE);
    expect(screen.getByText(/it is shown only once/)).toBeInTheDocument();
    expect(api.callsTo('POST /me/calendar-feed')).toHaveLength(1);

  });

  it('turns an active feed off', async () => {
    const api = mockApi({ 'POST /auth/refresh': token(), 'DELETE /me/calendar-feed': { status: 204 } });
    const user = userEvent.setup();
    renderWithProviders(<CalendarFeed me={aMe({ calendar_feed_enabled: true })} />);

    await user.click(screen.getByRole('button', { name: 'Turn off the feed' }));

    expect(await screen.findByText('The calendar feed is turned off. Its link no longer works.')).toBeInTheDocument();
    expect(api.callsTo('DELETE /me/calendar-feed')).toHaveLength(1);
  });

  it('offers a new link when a feed is already on', () => {
    mockApi({ 'POST /auth/refresh': token() });
    renderWithProviders(<CalendarFeed me={aMe({ calendar_feed_enabled: true })} />, { locale: 'fr' });
    expect(screen.getByText(/Votre flux de calendrier est actif/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Créer un nouveau lien' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Désactiver le flux' })).toBeInTheDocument();
  });
});
