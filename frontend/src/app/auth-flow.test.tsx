import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { aLocation, aMe } from '@/testing/fixtures';
import { mockApi, problem, sequence, token } from '@/testing/mock-api';
import { renderApp } from '@/testing/render-app';

describe('the sign-in flow', () => {
  it('sends a visitor without a session to /login?next=<the page>', async () => {
    mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized') });

    const { router } = renderApp('/account?tab=sessions');

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to your portal' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent('/account?tab=sessions')}`);
  });

  it('restores the session from the refresh cookie on start', async () => {
    const api = mockApi({
      'POST /auth/refresh': token('from-cookie'),
      'GET /me': { body: aMe() },
      'GET /locations': { body: { items: [aLocation()] } },
    });

    renderApp('/');

    expect(await screen.findByRole('heading', { level: 1, name: /Claire Moreau$/ })).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'Lyon Part-Dieu store' })).toBeInTheDocument();
    expect(api.callsTo('GET /me')[0]!.authorization).toBe('Bearer from-cookie');
  });

  it('sends the user to sign in, and back, when the session ends while they are on a page', async () => {
    const api = mockApi({
      // The start-up refresh works, a later one is refused: the session was revoked meanwhile.
      'POST /auth/refresh': sequence(token('first'), problem(401, 'unauthorized'), token('second')),
      'GET /me': ({ authorization }) => (authorization === 'Bearer second' ? { body: aMe() } : problem(401, 'unauthorized')),
      'GET /me/sessions': { body: [] },
      'POST /auth/login': token('second'),
    });
    const user = userEvent.setup();

    const { router } = renderApp('/account');

    expect(await screen.findByText('Your session has ended. Sign in again to continue.')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?next=%2Faccount');

    await user.type(screen.getByLabelText('Email'), 'claire.moreau@moreau.example');
    await user.type(screen.getByLabelText('Password', { selector: 'input' }), 'a long enough password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Your account' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/account');
    expect(api.callsTo('POST /auth/login')[0]!.body).toEqual({ email: 'claire.moreau@moreau.example', password: 'a long enough password' });
  });

  it('signs out through /auth/logout and shows the sign-in page without a return path', async () => {
    const api = mockApi({
      'POST /auth/refresh': token(),
      'GET /me': { body: aMe() },
      'GET /locations': { body: { items: [] } },
      'POST /auth/logout': { status: 204 },
    });
    const user = userEvent.setup();
    const { router } = renderApp('/');

    await user.click(await screen.findByRole('button', { name: 'Sign out' }));

    expect(await screen.findByText('You have signed out.')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('');
    expect(api.callsTo('POST /auth/logout')).toHaveLength(1);
  });

  it('offers to try again when the server cannot be reached at start-up', async () => {
    mockApi({ 'POST /auth/refresh': () => Promise.reject(new TypeError('Failed to fetch')) });
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'The portal cannot be reached' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('uses the language saved in the account once signed in', async () => {
    mockApi({
      'POST /auth/refresh': token(),
      'GET /me': { body: aMe({ locale: 'de' }) },
      'GET /locations': { body: { items: [] } },
    });
    renderApp('/', { locale: 'en' });
    expect(await screen.findByRole('link', { name: 'Übersicht' })).toBeInTheDocument();
    await waitFor(() => expect(document.documentElement.lang).toBe('de'));
    expect(await screen.findByText(/Es wurden Ihnen noch keine Standorte freigegeben/)).toBeInTheDocument();
  });
});
