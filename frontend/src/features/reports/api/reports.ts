import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components, operations } from '@/lib/api/schema';

export type Report = components['schemas']['PortalReportDto'];
export type ReportFile = components['schemas']['PortalReportFileDto'];
export type ReportFilter = Omit<NonNullable<operations['list_reports']['parameters']['query']>, 'cursor'>;

export const reportsKey = ['reports'] as const;

/** `GET /reports`: the visit reports shared with you, newest first, page by page. */
export function useReports(filter: ReportFilter = {}) {
  return useInfiniteQuery({
    queryKey: [...reportsKey, 'list', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/reports', { params: { query: { ...filter, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** `GET /reports/{id}`. */
export function useReport(id: string) {
  return useQuery({
    queryKey: [...reportsKey, 'one', id],
    queryFn: async () => unwrap(await api.GET('/reports/{id}', { params: { path: { id } } })),
  });
}

/** `GET /reports/{id}/attachments`: the files released to you (one page). */
export function useReportFiles(id: string) {
  return useQuery({
    queryKey: [...reportsKey, 'files', id],
    queryFn: async () => unwrap(await api.GET('/reports/{id}/attachments', { params: { path: { id } } })),
  });
}

/**
 * `GET /attachments/{id}/content` through the authenticated client (the bearer token cannot ride
 * on a plain link), then handed to the browser as a download through a short-lived object URL.
 */
export async function downloadFile(file: Pick<ReportFile, 'id' | 'filename'>): Promise<void> {
  const blob = unwrap(await api.GET('/attachments/{id}/content', { params: { path: { id: file.id } }, parseAs: 'blob' }));
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function useDownloadFile() {
  return useMutation({ mutationFn: downloadFile });
}
