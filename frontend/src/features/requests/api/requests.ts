import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';

import { api } from '@/lib/api/client';
import { unwrap } from '@/lib/api/problem';
import type { components, operations } from '@/lib/api/schema';

export type PortalRequest = components['schemas']['PortalRequest'];
export type NewServiceRequest = components['schemas']['NewServiceRequest'];
export type RequestKind = PortalRequest['kind'];
export type Attachment = components['schemas']['PortalAttachmentDto'];
export type RequestFilter = NonNullable<operations['list_requests']['parameters']['query']>;

export const REQUEST_KINDS = ['service', 'maintenance', 'appointment', 'support'] as const satisfies readonly RequestKind[];

export const requestsKey = ['requests'] as const;

/** `GET /requests`: newest first, page by page, optionally open/closed only or at one location. */
export function useRequests(filter: Omit<RequestFilter, 'cursor'> = {}) {
  return useInfiniteQuery({
    queryKey: [...requestsKey, 'list', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/requests', { params: { query: { ...filter, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** `GET /requests/{id}`. */
export function useRequest(id: string) {
  return useQuery({
    queryKey: [...requestsKey, 'one', id],
    queryFn: async () => unwrap(await api.GET('/requests/{id}', { params: { path: { id } } })),
  });
}

/** `GET /requests/{id}/attachments`: at most 10 files, one page. */
export function useAttachments(id: string) {
  return useQuery({
    queryKey: [...requestsKey, 'attachments', id],
    queryFn: async () => unwrap(await api.GET('/requests/{id}/attachments', { params: { path: { id } } })),
  });
}

/**
 * `POST /requests` with an `Idempotency-Key`: sending the same form again (after a lost answer)
 * reuses the key, so the server returns the first submission instead of creating a second one.
 */
export function useCreateRequest() {
  const queryClient = useQueryClient();
  const last = useRef<{ body: string; key: string } | null>(null);
  return useMutation({
    mutationFn: async (body: NewServiceRequest) => {
      const serialized = JSON.stringify(body);
      if (last.current?.body !== serialized) {
        last.current = { body: serialized, key: crypto.randomUUID() };
      }
      const key = last.current.key;
      return unwrap(await api.POST('/requests', { body, params: { header: { 'Idempotency-Key': key } } }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: requestsKey }),
  });
}

/** `POST /requests/{id}/cancel`, with an optional reason. */
export function useCancelRequest(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (reason: string) =>
      unwrap(await api.POST('/requests/{id}/cancel', { params: { path: { id } }, body: reason.trim() ? { reason: reason.trim() } : {} })),
    onSuccess: (updated) => {
      queryClient.setQueryData([...requestsKey, 'one', id], updated);
      void queryClient.invalidateQueries({ queryKey: [...requestsKey, 'list'] });
    },
  });
}

/** `POST /requests/{id}/attachments`: one file per call, as multipart/form-data. */
export async function uploadAttachment(id: string, file: File): Promise<Attachment> {
  const form = new FormData();
  form.append('file', file, file.name);
  const result = await api.POST('/requests/{id}/attachments', {
    params: { path: { id } },
    // The generated type says `file: string` (binary); the browser sends the File itself.
    body: form as unknown as { file: string },
    bodySerializer: (b) => b as unknown as FormData,
  });
  return unwrap(result);
}

export function useUploadAttachment(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => uploadAttachment(id, file),
    onSettled: () => queryClient.invalidateQueries({ queryKey: [...requestsKey, 'attachments', id] }),
  });
}
