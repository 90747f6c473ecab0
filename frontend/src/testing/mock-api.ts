import { vi } from 'vitest';

/**
 * A stand-in for the server: stubs `globalThis.fetch` and answers by "METHOD /path" (the path
 * below /api/portal/v1, without the query). A route is a reply or a function of the request
 * (called once per request, so it can answer differently the second time). Unrouted requests
 * answer 404 problems. Every request is recorded, with its Authorization header and body.
 */
export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Delay before answering, in ms (for overlapping requests). */
  delay?: number;
}

export type Route = Reply | ((request: RecordedRequest) => Reply | Promise<Reply>);

export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  authorization: string | null;
  body: unknown;
}

const BASE = '/api/portal/v1';

export function problem(status: number, code: string, errors: { field: string; code: string; message?: string }[] = []): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
    body: {
      type: `urn:ordinavo:problem:${code}`,
      title: 'Error',
      status,
      code,
      ...(errors.length ? { errors: errors.map((e) => ({ message: 'server text', ...e })) } : {}),
    },
  };
}

export function token(value = 'access-1', expiresIn = 900): Reply {
  return { status: 200, body: { access_token: value, token_type: 'Bearer', expires_in: expiresIn } };
}

export function mockApi(routes: Record<string, Route>) {
  const calls: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const url = new URL(request.url);
    const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : url.pathname;
    const text = request.body ? await request.text() : '';
    const recorded: RecordedRequest = {
      method: request.method,
      path,
      search: url.search,
      authorization: request.headers.get('Authorization'),
      body: !text ? undefined : (request.headers.get('Content-Type') ?? '').includes('json') ? (JSON.parse(text) as unknown) : text,
    };
    calls.push(recorded);
    const route = routes[`${request.method} ${path}`];
    const reply: Reply = route === undefined ? problem(404, 'not_found') : typeof route === 'function' ? await route(recorded) : route;
    if (reply.delay) {
      await new Promise((r) => setTimeout(r, reply.delay));
    }
    const status = reply.status ?? 200;
    const body = reply.body === undefined || status === 204 ? null : JSON.stringify(reply.body);
    return new Response(body, {
      status,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    fetchMock,
    /** The recorded requests to "METHOD /path". */
    callsTo: (key: string) => calls.filter((c) => `${c.method} ${c.path}` === key),
  };
}

/** Answers in sequence: the n-th request gets the n-th reply (the last one repeats). */
export function sequence(...replies: Reply[]): Route {
  let i = 0;
  return () => replies[Math.min(i++, replies.length - 1)]!;
}
