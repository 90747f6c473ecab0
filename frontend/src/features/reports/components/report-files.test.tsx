import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ReportFiles } from '@/features/reports/components/report-files';
import type { components } from '@/lib/api/schema';
import { mockApi, problem, token } from '@/testing/mock-api';
import { renderWithProviders } from '@/testing/render-app';

type ReportFile = components['schemas']['PortalReportFileDto'];

const REPORT = '0b4f7c1e-7777-4c9a-9d1e-000000000007';
const FILE = '0b4f7c1e-8888-4c9a-9d1e-000000000008';

function aFile(overrides: Partial<ReportFile> = {}): ReportFile {
  return { id: FILE, filename: 'cold-room-after.png', content_type: 'image/png', size: 2048, created_at: '2030-03-01T10:00:00Z', downloadable: true, ...overrides };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('the files of a report', () => {
  it('downloads a released file through the signed-in client and saves it under its name', async () => {
    const api = mockApi({
      'POST /auth/refresh': token('access-7'),
      [`GET /reports/${REPORT}/attachments`]: { body: { items: [aFile()] } },
      [`GET /attachments/${FILE}/content`]: { body: 'PNG', headers: { 'Content-Type': 'image/png' } },
    });
    const createObjectURL = vi.fn((_blob: Blob) => 'blob:file-1');
    class TestUrl extends URL {
      static override createObjectURL = createObjectURL;
      static override revokeObjectURL = vi.fn();
    }
    vi.stubGlobal('URL', TestUrl);
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const user = userEvent.setup();
    renderWithProviders(<ReportFiles reportId={REPORT} />);

    await user.click(await screen.findByRole('button', { name: 'Download cold-room-after.png' }));

    await vi.waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    const link = click.mock.contexts[0] as HTMLAnchorElement;
    expect(link.download).toBe('cold-room-after.png');
    expect(link.href).toBe('blob:file-1');
    // The mock server sends every body as JSON: the file's bytes are `"PNG"`.
    expect(createObjectURL.mock.calls[0]?.[0].size).toBe(JSON.stringify('PNG').length);
    expect(api.callsTo(`GET /attachments/${FILE}/content`)[0]?.authorization).toBe('Bearer access-7');
  });

  it('names the reason when a download fails', async () => {
    mockApi({
      'POST /auth/refresh': token(),
      [`GET /reports/${REPORT}/attachments`]: { body: { items: [aFile()] } },
      [`GET /attachments/${FILE}/content`]: problem(404, 'not_found'),
    });
    const user = userEvent.setup();
    renderWithProviders(<ReportFiles reportId={REPORT} />);

    await user.click(await screen.findByRole('button', { name: 'Download cold-room-after.png' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('cold-room-after.png could not be downloaded. We could not find what you were looking for.');
  });

  it('offers no download when the access does not include it', async () => {
    mockApi({ 'POST /auth/refresh': token(), [`GET /reports/${REPORT}/attachments`]: { body: { items: [aFile({ downloadable: false })] } } });
    renderWithProviders(<ReportFiles reportId={REPORT} />);

    expect(await screen.findByText('cold-room-after.png')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Download/ })).not.toBeInTheDocument();
    expect(screen.getByText(/Your access does not include downloading files/)).toBeInTheDocument();
  });

  it('says when no file was released', async () => {
    mockApi({ 'POST /auth/refresh': token(), [`GET /reports/${REPORT}/attachments`]: { body: { items: [] } } });
    renderWithProviders(<ReportFiles reportId={REPORT} />, { locale: 'de' });
    expect(await screen.findByText('Zu diesem Bericht wurde keine Datei freigegeben.')).toBeInTheDocument();
  });
});
