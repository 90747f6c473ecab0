import { config } from '@/config/env';
import { ApiError } from '@/lib/api/problem';
import type { AuthSession } from '@/lib/auth/session';

/**
 * The `fetch` of the API client: adds the bearer token, and on a 401 refreshes the session once
 * (shared with every other request that hit the same 401) and retries with the new token. A 401
 * after that ends the session; the app then sends the user to `/login?next=…`.
 *
 * Calls `globalThis.fetch` at request time, so tests can stub it.
 */
export function createAuthFetch(session: AuthSession, basePath: string = config.apiBasePath) {
  const authPrefix = `${basePath}/auth/`;

  return async function authFetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname.startsWith(authPrefix)) {
      return send(request);
    }
    // Keep an unread copy for the retry: the first attempt consumes the body.
    const retry = request.clone();

    if (!session.hasFreshToken()) {
      await session.refresh().catch(() => false);
    }
    const used = session.getToken();
    const first = await send(withBearer(request, used));
    if (first.status !== 401) {
      return first;
    }
    // Another request may already have refreshed while this one was on its way.
    if (session.getToken() === used || used === null) {
      const renewed = await session.refresh();
      if (!renewed) {
        return first;
      }
    }
    const token = session.getToken();
    if (token === null) {
      return first;
    }
    const second = await send(withBearer(retry, token));
    if (second.status === 401) {
      session.end('expired');
    }
    return second;
  };
}

function withBearer(request: Request, token: string | null): Request {
  if (token === null) {
    return request;
  }
  const headers = new Headers(request.headers);
  headers.set('Authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}

async function send(request: Request): Promise<Response> {
  try {
    return await globalThis.fetch(request);
  } catch (e) {
    throw ApiError.network(e);
  }
}
