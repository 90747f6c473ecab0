import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { ChangePasswordForm } from '@/features/account/components/change-password-form';
import { authSession } from '@/lib/auth/session';
import { mockApi, problem, token } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

async function fill(current: string, next: string, confirm = next) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Current password', { selector: 'input' }), current);
  await user.type(screen.getByLabelText('New password', { selector: 'input' }), next);
  await user.type(screen.getByLabelText('Repeat the new password', { selector: 'input' }), confirm);
  await user.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('changing the password', () => {
  it('shows a wrong current password next to that field', async () => {
    mockApi({
      'POST /auth/refresh': token(),
      'POST /me/password': problem(400, 'validation_failed', [{ field: 'current_password', code: 'incorrect' }]),
    });
    renderWithProviders(<ChangePasswordForm email="claire@moreau.example" />);

    await fill('not it at all', 'gravel orbit tulip saxophone');

    const current = screen.getByLabelText('Current password', { selector: 'input' });
    expect(await screen.findByText('The current password is incorrect.')).toBeInTheDocument();
    expect(current).toHaveAttribute('aria-invalid', 'true');
    expect(current).toHaveAccessibleDescription('The current password is incorrect.');
    expect(screen.getByLabelText('New password', { selector: 'input' })).not.toHaveAttribute('aria-invalid');
  });

  it('shows a too-weak new password next to the new password field', async () => {
    mockApi({
      'POST /auth/refresh': token(),
      'POST /me/password': problem(400, 'validation_failed', [{ field: 'new_password', code: 'weak_password' }]),
    });
    renderWithProviders(<ChangePasswordForm email="claire@moreau.example" />);

    await fill('the current one here', 'claire moreau 2024');

    expect(await screen.findByText(/too easy to guess/)).toBeInTheDocument();
    expect(screen.getByLabelText('New password', { selector: 'input' })).toHaveAttribute('aria-invalid', 'true');
  });

  it('keeps the session with the new access token and confirms', async () => {
    const api = mockApi({ 'POST /auth/refresh': token('before'), 'POST /me/password': token('after') });
    renderWithProviders(<ChangePasswordForm email="claire@moreau.example" />);

    await fill('the current one here', 'gravel orbit tulip saxophone');

    expect(await screen.findByRole('status')).toHaveTextContent('Your password was changed. Your other devices have been signed out.');
    expect(authSession.getToken()).toBe('after');
    expect(api.callsTo('POST /me/password')[0]!.body).toEqual({
      current_password: 'the current one here',
      new_password: 'gravel orbit tulip saxophone',
    });
  });

  it('checks the length before sending', async () => {
    const api = mockApi({ 'POST /auth/refresh': token() });
    renderWithProviders(<ChangePasswordForm email="claire@moreau.example" />);
    await fill('the current one here', 'too short');
    expect(screen.getByText('Use at least 12 characters.')).toBeInTheDocument();
    expect(api.callsTo('POST /me/password')).toHaveLength(0);
  });
});
