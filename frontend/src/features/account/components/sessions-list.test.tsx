import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { SessionsList } from '@/features/account/components/sessions-list';
import { mockApi, problem, sequence, token } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

const here = {
  id: '11111111-1111-4111-8111-111111111111',
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36',
  ip: '127.0.0.1',
  last_active_at: '2030-01-10T08:00:00Z',
  expires_at: '2030-01-24T08:00:00Z',
  current: true,
};
const phone = {
  id: '22222222-2222-4222-8222-222222222222',
  user_agent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1',
  ip: '203.0.113.9',
  last_active_at: null,
  expires_at: '2030-01-20T08:00:00Z',
  current: false,
};

describe('the signed-in devices', () => {
  it('lists each device and signs out another one', async () => {
    const api = mockApi({
      'POST /auth/refresh': token(),
      'GET /me/sessions': sequence({ body: [here, phone] }, { body: [here] }),
      [`DELETE /me/sessions/${phone.id}`]: { status: 204 },
    });
    const user = userEvent.setup();
    renderWithProviders(<SessionsList />);

    const items = await screen.findAllByRole('listitem', { name: undefined });
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(screen.getByText('Chrome on Linux')).toBeInTheDocument();
    expect(screen.getByText('This device')).toBeInTheDocument();
    const phoneRow = screen.getByText('Safari on iOS').closest('li')!;
    expect(within(phoneRow).getByText('IP address 203.0.113.9')).toBeInTheDocument();

    const button = within(phoneRow).getByRole('button', { name: 'Sign out this device' });
    expect(button).toHaveAccessibleDescription(expect.stringContaining('Safari on iOS'));
    await user.click(button);

    expect(await screen.findByRole('status')).toHaveTextContent('Safari on iOS was signed out.');
    expect(api.callsTo(`DELETE /me/sessions/${phone.id}`)).toHaveLength(1);
    expect(await screen.findByText('Chrome on Linux')).toBeInTheDocument();
    expect(screen.queryByText('Safari on iOS')).not.toBeInTheDocument();
  });

  it('has a loading state, then an error state with a way to retry', async () => {
    mockApi({ 'POST /auth/refresh': token(), 'GET /me/sessions': sequence(problem(500, 'internal'), problem(500, 'internal'), { body: [here] }) });
    const user = userEvent.setup();
    renderWithProviders(<SessionsList />);

    expect(screen.getByRole('status')).toHaveTextContent('Loading…');
    expect(await screen.findByRole('alert', {}, { timeout: 4000 })).toHaveTextContent('Your devices could not be loaded.');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Chrome on Linux')).toBeInTheDocument();
  });

  it('has an empty state', async () => {
    mockApi({ 'POST /auth/refresh': token(), 'GET /me/sessions': { body: [] } });
    renderWithProviders(<SessionsList />);
    expect(await screen.findByText('No device is signed in.')).toBeInTheDocument();
  });
});
