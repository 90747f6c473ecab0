import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { NewRequestForm } from '@/features/requests/components/new-request-form';
import { aLocation } from '@/testing/fixtures';
import { mockApi, problem, token } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

const berlin = aLocation({ id: '0b4f7c1e-4444-4c9a-9d1e-000000000004', name: 'Berlin Mitte bakery', timezone: 'Europe/Berlin' });
const readOnly = aLocation({ id: '0b4f7c1e-5555-4c9a-9d1e-000000000005', name: 'Head office', can_submit_requests: false });
const created = {
  id: '9d7a3b1e-1111-4c9a-9d1e-000000000009',
  location_id: berlin.id,
  location_name: berlin.name,
  kind: 'maintenance',
  title: 'Oven 2 is cold',
  description: 'It stopped heating.',
  preferred_windows: [],
  status: 'submitted',
  status_label: 'Submitted',
  progress: [],
  can_cancel: true,
  can_add_attachments: true,
  created_at: '2030-01-10T08:00:00Z',
  updated_at: '2030-01-10T08:00:00Z',
};

function server(extra: Record<string, Parameters<typeof mockApi>[0][string]> = {}) {
  return mockApi({
    'POST /auth/refresh': token(),
    'GET /locations': { body: { items: [aLocation(), berlin, readOnly] } },
    'GET /requests': { body: { items: [] } },
    ...extra,
  });
}

describe('the new request form', () => {
  it('offers only the locations granted for submission, and the requests already open there', async () => {
    const api = server();
    const user = userEvent.setup();
    renderWithProviders(<NewRequestForm />);

    const select = await screen.findByLabelText('Location');
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Choose a location',
      'Lyon Part-Dieu store · Boulangeries Martin',
      'Berlin Mitte bakery · Boulangeries Martin',
    ]);
    await user.selectOptions(select, berlin.id);

    expect(await screen.findByText('There are no open requests at this location.')).toBeInTheDocument();
    expect(api.callsTo('GET /requests')[0]!.search).toContain(`location_id=${berlin.id}`);
    expect(api.callsTo('GET /requests')[0]!.search).toContain('open=true');
  });

  it('sends preferred windows as instants of the location time zone, with an idempotency key', async () => {
    const api = server({ 'POST /requests': { status: 201, body: created } });
    const user = userEvent.setup();
    renderWithProviders(<NewRequestForm />);

    await user.selectOptions(await screen.findByLabelText('Location'), berlin.id);
    await user.click(screen.getByLabelText('Maintenance'));
    await user.type(screen.getByLabelText('Title'), 'Oven 2 is cold');
    await user.type(screen.getByLabelText('Description'), 'It stopped heating.');
    await user.click(screen.getByRole('button', { name: 'Add a time window' }));
    await user.type(screen.getByLabelText('From'), '2030-07-15T09:00');
    await user.type(screen.getByLabelText('Until'), '2030-07-15T11:30');
    await user.click(screen.getByRole('button', { name: 'Submit the request' }));

    await waitFor(() => expect(api.callsTo('POST /requests')).toHaveLength(1));
    expect(api.callsTo('POST /requests')[0]!.body).toEqual({
      location_id: berlin.id,
      kind: 'maintenance',
      title: 'Oven 2 is cold',
      description: 'It stopped heating.',
      preferred_windows: [{ starts_at: '2030-07-15T07:00:00.000Z', ends_at: '2030-07-15T09:30:00.000Z' }],
    });
    const [request] = api.fetchMock.mock.calls.find(([r]) => r instanceof Request && r.method === 'POST' && r.url.endsWith('/requests'))!;
    expect((request as Request).headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('shows the server field errors next to their fields and windows', async () => {
    server({
      'POST /requests': problem(400, 'validation_failed', [
        { field: 'title', code: 'too_long' },
        { field: 'preferred_windows[0]', code: 'window_in_past' },
      ]),
    });
    const user = userEvent.setup();
    renderWithProviders(<NewRequestForm />);

    await user.selectOptions(await screen.findByLabelText('Location'), berlin.id);
    await user.type(screen.getByLabelText('Title'), 'Oven');
    await user.type(screen.getByLabelText('Description'), 'Cold.');
    await user.click(screen.getByRole('button', { name: 'Add a time window' }));
    await user.type(screen.getByLabelText('From'), '2030-07-15T09:00');
    await user.type(screen.getByLabelText('Until'), '2030-07-15T10:00');
    await user.click(screen.getByRole('button', { name: 'Submit the request' }));

    expect(await screen.findByText('This is too long.')).toBeInTheDocument();
    expect(screen.getByLabelText('Title')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('group', { name: 'Time window 1' })).toHaveAccessibleDescription('This time is already past.');
    expect(screen.getByRole('alert')).toHaveTextContent('Some fields need your attention.');
  });

  it('checks the required fields and the window order before sending', async () => {
    const api = server();
    const user = userEvent.setup();
    renderWithProviders(<NewRequestForm />);

    await user.click(await screen.findByRole('button', { name: 'Submit the request' }));
    expect(screen.getByLabelText('Location')).toHaveAccessibleDescription(expect.stringContaining('This field is required.'));
    expect(screen.getByLabelText('Title')).toHaveAccessibleDescription(expect.stringContaining('This field is required.'));

    await user.selectOptions(screen.getByLabelText('Location'), berlin.id);
    await user.click(screen.getByRole('button', { name: 'Add a time window' }));
    await user.type(screen.getByLabelText('From'), '2030-07-15T11:00');
    await user.type(screen.getByLabelText('Until'), '2030-07-15T09:00');
    await user.click(screen.getByRole('button', { name: 'Submit the request' }));
    expect(screen.getByText('The end must be after the start.')).toBeInTheDocument();
    expect(api.callsTo('POST /requests')).toHaveLength(0);
  });

  it('explains when no location allows requests', async () => {
    mockApi({ 'POST /auth/refresh': token(), 'GET /locations': { body: { items: [readOnly] } } });
    renderWithProviders(<NewRequestForm />);
    expect(await screen.findByText(/You cannot submit requests for any location yet/)).toBeInTheDocument();
  });
});
