import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { LoginForm } from '@/features/auth/components/login-form';
import { mockApi, problem } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

describe('the sign-in form', () => {
  it('names the empty fields next to them without calling the server', async () => {
    const api = mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized') });
    const user = userEvent.setup();
    renderWithProviders(<LoginForm />);

    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const email = screen.getByLabelText('Email');
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('This field is required.');
    expect(api.callsTo('POST /auth/login')).toHaveLength(0);
  });

  it('says the email or password is wrong, as an alert', async () => {
    mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized'), 'POST /auth/login': problem(401, 'invalid_credentials') });
    const user = userEvent.setup();
    renderWithProviders(<LoginForm />);

    await user.type(screen.getByLabelText('Email'), 'claire@moreau.example');
    await user.type(screen.getByLabelText('Password', { selector: 'input' }), 'not the password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('The email or password is incorrect.');
  });

  it('says how long to wait when there were too many attempts (in French)', async () => {
    mockApi({
      'POST /auth/refresh': problem(401, 'unauthorized'),
      'POST /auth/login': { ...problem(429, 'too_many_requests'), headers: { 'Retry-After': '60', 'Content-Type': 'application/problem+json' } },
    });
    const user = userEvent.setup();
    renderWithProviders(<LoginForm />, { locale: 'fr' });

    await user.type(screen.getByLabelText('Adresse e-mail'), 'claire@moreau.example');
    await user.type(screen.getByLabelText('Mot de passe', { selector: 'input' }), 'x');
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Trop de tentatives. Réessayez dans 60 secondes.');
  });

  it('shows and hides the password with a real button', async () => {
    mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized') });
    const user = userEvent.setup();
    renderWithProviders(<LoginForm />);
    const input = screen.getByLabelText('Password', { selector: 'input' });
    expect(input).toHaveAttribute('type', 'password');
    await user.click(screen.getByRole('button', { name: 'Show password' }));
    expect(input).toHaveAttribute('type', 'text');
    expect(screen.getByRole('button', { name: 'Hide password' })).toHaveAttribute('aria-pressed', 'true');
  });
});
