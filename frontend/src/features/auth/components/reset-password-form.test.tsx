import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { ResetPasswordForm } from '@/features/auth/components/reset-password-form';
import { mockApi, problem } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

describe('setting a new password from a reset link', () => {
  it('explains a used or expired link and offers a new one', async () => {
    mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized'), 'POST /auth/password-reset/tok': problem(410, 'reset_link_expired') });
    const user = userEvent.setup();
    renderWithProviders(<ResetPasswordForm token="tok" />);

    await user.type(screen.getByLabelText('New password', { selector: 'input' }), 'gravel orbit tulip sax');
    await user.type(screen.getByLabelText('Repeat the new password', { selector: 'input' }), 'gravel orbit tulip sax');
    await user.click(screen.getByRole('button', { name: 'Set the new password' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('This link was already used or has expired. Ask for a new one.');
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/reset');
  });

  it('shows a weak password refusal next to the field', async () => {
    mockApi({
      'POST /auth/refresh': problem(401, 'unauthorized'),
      'POST /auth/password-reset/tok': problem(400, 'validation_failed', [{ field: 'password', code: 'weak_password' }]),
    });
    const user = userEvent.setup();
    renderWithProviders(<ResetPasswordForm token="tok" />, { locale: 'de' });

    await user.type(screen.getByLabelText('Neues Passwort', { selector: 'input' }), 'claire moreau 2024');
    await user.type(screen.getByLabelText('Neues Passwort wiederholen', { selector: 'input' }), 'claire moreau 2024');
    await user.click(screen.getByRole('button', { name: 'Neues Passwort speichern' }));

    expect(await screen.findByText(/Dieses Passwort ist zu leicht zu erraten/)).toBeInTheDocument();
    expect(screen.getByLabelText('Neues Passwort', { selector: 'input' })).toHaveAttribute('aria-invalid', 'true');
  });
});
