import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { ResetRequestForm } from '@/features/auth/components/reset-request-form';
import { mockApi, problem } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

describe('asking for a reset link', () => {
  it('always answers with the same neutral confirmation', async () => {
    const api = mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized'), 'POST /auth/password-reset': { status: 202 } });
    const user = userEvent.setup();
    renderWithProviders(<ResetRequestForm />);

    await user.type(screen.getByLabelText('Email'), 'someone@example.com');
    await user.click(screen.getByRole('button', { name: 'Send the link' }));

    expect(await screen.findByRole('status')).toHaveTextContent(
      'If an account exists for someone@example.com, a link to choose a new password is on its way.',
    );
    expect(api.callsTo('POST /auth/password-reset')[0]!.body).toEqual({ email: 'someone@example.com' });
  });

  it('checks the address before sending', async () => {
    const api = mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized') });
    const user = userEvent.setup();
    renderWithProviders(<ResetRequestForm />);

    await user.type(screen.getByLabelText('Email'), 'not-an-address');
    await user.click(screen.getByRole('button', { name: 'Send the link' }));

    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Enter a valid email address, like name@example.com.');
    expect(api.callsTo('POST /auth/password-reset')).toHaveLength(0);
  });
});
