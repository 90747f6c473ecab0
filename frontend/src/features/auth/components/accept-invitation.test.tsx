import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { AcceptInvitation } from '@/features/auth/components/accept-invitation';
import { anInvitation } from '@/testing/fixtures';
import { mockApi, problem, token } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

const TOKEN = 'tok_abc';
const PREVIEW = `GET /auth/invitations/${TOKEN}`;
const ACCEPT = `POST /auth/invitations/${TOKEN}/accept`;

describe('accepting an invitation', () => {
  it('shows who is invited, to which companies, until when', async () => {
    mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized'), [PREVIEW]: { body: anInvitation({ customers: ['Boulangeries Martin', 'Hôtel Astoria'] }) } });
    renderWithProviders(<AcceptInvitation token={TOKEN} />);

    expect(await screen.findByText('You have been invited to follow the service activity of Boulangeries Martin and Hôtel Astoria.')).toBeInTheDocument();
    expect(screen.getByText('claire.moreau@moreau.example')).toBeInTheDocument();
    expect(screen.getByLabelText('Your name')).toHaveValue('Claire Moreau');
  });

  it('counts the password length live against the 12–128 rule', async () => {
    mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized'), [PREVIEW]: { body: anInvitation() } });
    const user = userEvent.setup();
    renderWithProviders(<AcceptInvitation token={TOKEN} />);

    const password = await screen.findByLabelText('Choose a password', { selector: 'input' });
    await user.type(password, 'short');
    expect(screen.getByText('5 characters')).toBeInTheDocument();
    expect(password).toHaveAccessibleDescription(expect.stringContaining('12 to 128 characters (not yet)'));
    await user.type(password, ' but growing');
    expect(screen.getByText('17 characters')).toBeInTheDocument();
    expect(password).toHaveAccessibleDescription(expect.stringContaining('12 to 128 characters (done)'));
  });

  it('shows the server refusing a common password next to the password field', async () => {
    const api = mockApi({
      'POST /auth/refresh': problem(401, 'unauthorized'),
      [PREVIEW]: { body: anInvitation() },
      [ACCEPT]: problem(400, 'validation_failed', [{ field: 'password', code: 'common_password' }]),
    });
    const user = userEvent.setup();
    renderWithProviders(<AcceptInvitation token={TOKEN} />);

    await user.type(await screen.findByLabelText('Choose a password', { selector: 'input' }), 'Password12345');
    await user.type(screen.getByLabelText('Repeat the password', { selector: 'input' }), 'Password12345');
    await user.click(screen.getByRole('button', { name: 'Activate my account' }));

    const password = screen.getByLabelText('Choose a password', { selector: 'input' });
    expect(await screen.findByText('This password is too common. Choose one that is harder to guess.')).toBeInTheDocument();
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(password).toHaveAccessibleDescription(expect.stringContaining('This password is too common.'));
    expect(screen.getByRole('alert')).toHaveTextContent('Some fields need your attention.');
    expect(api.callsTo(ACCEPT)[0]!.body).toEqual({ password: 'Password12345', display_name: 'Claire Moreau', locale: 'en' });
  });

  it('refuses two different passwords before sending', async () => {
    const api = mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized'), [PREVIEW]: { body: anInvitation() }, [ACCEPT]: token() });
    const user = userEvent.setup();
    renderWithProviders(<AcceptInvitation token={TOKEN} />);

    await user.type(await screen.findByLabelText('Choose a password', { selector: 'input' }), 'gravel orbit tulip');
    await user.type(screen.getByLabelText('Repeat the password', { selector: 'input' }), 'gravel orbit tulips');
    await user.click(screen.getByRole('button', { name: 'Activate my account' }));

    expect(screen.getByText('The two passwords do not match.')).toBeInTheDocument();
    expect(api.callsTo(ACCEPT)).toHaveLength(0);
  });

  it('explains an expired invitation and offers sign-in', async () => {
    mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized'), [PREVIEW]: problem(410, 'invitation_expired') });
    renderWithProviders(<AcceptInvitation token={TOKEN} />);

    expect(await screen.findByRole('alert')).toHaveTextContent('This invitation has expired. Ask your contact to send it again.');
    expect(screen.getByRole('link', { name: 'Go to sign-in' })).toHaveAttribute('href', '/login');
  });

  it('says an unknown link is not valid', async () => {
    mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized'), [PREVIEW]: problem(404, 'not_found') });
    renderWithProviders(<AcceptInvitation token={TOKEN} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('This invitation link is not valid.');
  });

  it('opens in the language of the invitation', async () => {
    mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized'), [PREVIEW]: { body: anInvitation({ locale: 'de' }) } });
    renderWithProviders(<AcceptInvitation token={TOKEN} />, { locale: 'en' });
    expect(await screen.findByRole('heading', { name: 'Willkommen im Kundenportal' })).toBeInTheDocument();
    expect(screen.getByLabelText('Sprache des Portals')).toHaveValue('de');
  });
});
