import { describe, expect, it } from 'vitest';

import { isApiError } from '@/lib/api/problem';
import { authSession } from '@/lib/auth/session';
import { mockApi, problem, token } from '@/testing/mock-api';

describe('the session', () => {
  it('shares one refresh request between concurrent callers (single flight)', async () => {
    const api = mockApi({ 'POST /auth/refresh': { ...token('fresh'), delay: 20 } });

    const results = await Promise.all([authSession.refresh(), authSession.refresh(), authSession.refresh()]);

    expect(results).toEqual([true, true, true]);
    expect(api.callsTo('POST /auth/refresh')).toHaveLength(1);
    expect(authSession.getToken()).toBe('fresh');
    expect(authSession.getStatus()).toBe('signed-in');
  });

  it('sends the refresh with the cookie only (same-origin credentials, no bearer)', async () => {
    const api = mockApi({ 'POST /auth/refresh': token() });
    await authSession.refresh();
    const [input, init] = api.fetchMock.mock.calls[0]!;
    expect(String(input)).toBe('/api/portal/v1/auth/refresh');
    expect(init?.credentials).toBe('same-origin');
    expect(api.calls[0]!.authorization).toBeNull();
  });

  it('starts a new refresh once the previous one has settled', async () => {
    const api = mockApi({ 'POST /auth/refresh': token() });
    await authSession.refresh();
    await authSession.refresh();
    expect(api.callsTo('POST /auth/refresh')).toHaveLength(2);
  });

  it('is signed out when the refresh cookie is refused', async () => {
    mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized') });
    await expect(authSession.refresh()).resolves.toBe(false);
    expect(authSession.getStatus()).toBe('signed-out');
    expect(authSession.getToken()).toBeNull();
  });

  it('calls an ended session "expired" only if it was signed in', async () => {
    mockApi({ 'POST /auth/refresh': problem(401, 'unauthorized') });
    await authSession.refresh();
    expect(authSession.getEndReason()).toBeUndefined();

    authSession.accept({ access_token: 'a', expires_in: 900 });
    await authSession.refresh();
    expect(authSession.getEndReason()).toBe('expired');
  });

  it('reports an unreachable server as unavailable at start-up, not as signed out', async () => {
    mockApi({ 'POST /auth/refresh': () => Promise.reject(new TypeError('Failed to fetch')) });
    await authSession.start();
    expect(authSession.getStatus()).toBe('unavailable');
  });

  it('rejects with the problem on a 429 and keeps the session as it was', async () => {
    authSession.accept({ access_token: 'kept', expires_in: 900 });
    mockApi({ 'POST /auth/refresh': { ...problem(429, 'too_many_requests'), headers: { 'Retry-After': '30' } } });
    const error: unknown = await authSession.refresh().catch((e: unknown) => e);
    expect(isApiError(error) && error.retryAfterSeconds).toBe(30);
    expect(authSession.getToken()).toBe('kept');
  });

  it('signs out on the server and forgets the token', async () => {
    const api = mockApi({ 'POST /auth/logout': { status: 204 } });
    authSession.accept({ access_token: 'a', expires_in: 900 });
    await authSession.signOut();
    expect(api.callsTo('POST /auth/logout')).toHaveLength(1);
    expect(authSession.getStatus()).toBe('signed-out');
    expect(authSession.getEndReason()).toBe('signed-out');
  });
});
