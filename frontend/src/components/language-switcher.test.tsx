import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { LanguageSwitcher } from '@/components/language-switcher';
import { aMe } from '@/testing/fixtures';
import { mockApi, problem, token } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

describe('the language switcher', () => {
  it('switches at once and saves the choice to the account when signed in', async () => {
    const api = mockApi({ 'POST /auth/refresh': token(), 'GET /me': { body: aMe() }, 'PATCH /me': { body: aMe({ locale: 'fr' }) } });
    const user = userEvent.setup();
    renderWithProviders(<LanguageSwitcher />);
    await waitFor(() => expect(api.callsTo('GET /me')).toHaveLength(1));

    await user.selectOptions(screen.getByLabelText('Language'), 'fr');

    expect(await screen.findByLabelText('Langue')).toHaveValue('fr');
    await waitFor(() => expect(api.callsTo('PATCH /me')[0]?.body).toEqual({ locale: 'fr' }));
    expect(document.documentElement.lang).toBe('fr');
  });

  it('only switches the page when signed out', async () => {
    const api = mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized') });
    const user = userEvent.setup();
    renderWithProviders(<LanguageSwitcher />);
    await waitFor(() => expect(api.callsTo('POST /auth/refresh')).toHaveLength(1));

    await user.selectOptions(screen.getByLabelText('Language'), 'de');

    expect(await screen.findByLabelText('Sprache')).toHaveValue('de');
    expect(api.callsTo('PATCH /me')).toHaveLength(0);
    expect(localStorage.getItem('ordinavo.locale')).toBe('de');
  });

  it('says so when the account could not save the language', async () => {
    const api = mockApi({ 'POST /auth/refresh': token(), 'GET /me': { body: aMe() }, 'PATCH /me': problem(500, 'internal') });
    const user = userEvent.setup();
    renderWithProviders(<LanguageSwitcher />);
    await waitFor(() => expect(api.callsTo('GET /me')).toHaveLength(1));

    await user.selectOptions(screen.getByLabelText('Language'), 'de');

    expect(await screen.findByRole('alert')).toHaveTextContent('Die Sprache konnte nicht in Ihrem Konto gespeichert werden.');
  });
});
