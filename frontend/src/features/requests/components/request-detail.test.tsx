import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { RequestDetail } from '@/features/requests/components/request-detail';
import { aLocation } from '@/testing/fixtures';
import { mockApi, problem, token } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

const ID = '9d7a3b1e-1111-4c9a-9d1e-000000000009';
const steps = (current: string) =>
  ['submitted', 'in_review', 'accepted', 'planned'].map((status, i, all) => ({
    status,
    label: { submitted: 'Submitted', in_review: 'In review', accepted: 'Accepted', planned: 'Planned' }[status]!,
    reached: i <= all.indexOf(current),
    current: status === current,
  }));
const base = {
  id: ID,
  location_id: aLocation().id,
  location_name: 'Lyon Part-Dieu store',
  kind: 'service',
  title: 'Door does not close',
  description: 'The back door does not latch.',
  preferred_windows: [{ starts_at: '2030-01-15T08:00:00Z', ends_at: '2030-01-15T10:00:00Z' }],
  status: 'in_review',
  status_label: 'In review',
  progress: steps('in_review'),
  submitted_by_name: 'Claire Moreau',
  can_cancel: true,
  can_add_attachments: true,
  created_at: '2030-01-10T08:00:00Z',
  updated_at: '2030-01-11T08:00:00Z',
};

function server(request: object, extra = {}) {
  return mockApi({
    'POST /auth/refresh': token(),
    'GET /locations': { body: { items: [aLocation()] } },
    [`GET /requests/${ID}`]: { body: request },
    [`GET /requests/${ID}/attachments`]: { body: { items: [] } },
    ...extra,
  });
}

describe('a request page', () => {
  it('shows the public status as a progress line and the windows in the location time zone', async () => {
    server(base);
    renderWithProviders(<RequestDetail id={ID} />);

    expect(await screen.findByRole('heading', { level: 1, name: 'Door does not close' })).toBeInTheDocument();
    const current = screen.getByRole('listitem', { current: 'step' });
    expect(current).toHaveTextContent('In review (current step)');
    const steps = within(screen.getByRole('list', { name: 'Progress' })).getAllByRole('listitem');
    expect(steps.map((s) => s.textContent)).toEqual(['Submitted (done)', 'In review (current step)', 'Accepted (to come)', 'Planned (to come)']);
    // 08:00 UTC is 09:00 in Paris in January.
    expect(await screen.findByText(/9:00 AM to .*11:00 AM/)).toBeInTheDocument();
    expect(screen.getByText('No files yet.')).toBeInTheDocument();
  });

  it('shows why a request was declined', async () => {
    server({ ...base, status: 'rejected', status_label: 'Rejected', can_cancel: false, public_reason: 'This site is covered by another contract.' });
    renderWithProviders(<RequestDetail id={ID} />);
    expect(await screen.findByText('Why this request was declined')).toBeInTheDocument();
    expect(screen.getByText('This site is covered by another contract.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel this request' })).not.toBeInTheDocument();
  });

  it('cancels with a reason after confirming', async () => {
    const cancelled = { ...base, status: 'cancelled', status_label: 'Cancelled', can_cancel: false, cancel_reason: 'Fixed it ourselves.' };
    const api = server(base, { [`POST /requests/${ID}/cancel`]: { body: cancelled } });
    const user = userEvent.setup();
    renderWithProviders(<RequestDetail id={ID} />);

    await user.click(await screen.findByRole('button', { name: 'Cancel this request' }));
    await user.type(screen.getByLabelText(/Reason/), 'Fixed it ourselves.');
    await user.click(screen.getByRole('button', { name: 'Yes, cancel it' }));

    expect(await screen.findByText('The request was cancelled.')).toBeInTheDocument();
    expect(screen.getByText('Reason given: Fixed it ourselves.')).toBeInTheDocument();
    expect(api.callsTo(`POST /requests/${ID}/cancel`)[0]!.body).toEqual({ reason: 'Fixed it ourselves.' });
  });

  it('explains a request that can no longer be cancelled', async () => {
    server(base, { [`POST /requests/${ID}/cancel`]: { ...problem(409, 'invalid_transition') } });
    const user = userEvent.setup();
    renderWithProviders(<RequestDetail id={ID} />);
    await user.click(await screen.findByRole('button', { name: 'Cancel this request' }));
    await user.click(screen.getByRole('button', { name: 'Yes, cancel it' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This request can no longer be cancelled.');
  });

  it('says when a request is not there (or not shared)', async () => {
    mockApi({ 'POST /auth/refresh': token(), [`GET /requests/${ID}`]: problem(404, 'not_found') });
    renderWithProviders(<RequestDetail id={ID} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('This request does not exist or is not shared with you.');
  });

  it('adds a file and shows an unsupported type as a message', async () => {
    const api = server(base, { [`POST /requests/${ID}/attachments`]: problem(415, 'unsupported_media_type') });
    const user = userEvent.setup();
    renderWithProviders(<RequestDetail id={ID} />);

    await user.upload(await screen.findByLabelText('Add a photo or PDF'), new File(['x'], 'notes.png', { type: 'image/png' }));

    expect(await screen.findByText('notes.png could not be added: Only images and PDF files can be added.')).toBeInTheDocument();
    expect(api.callsTo(`POST /requests/${ID}/attachments`)).toHaveLength(1);
  });
});
