import { describe, expect, it } from 'vitest';

import { api } from '@/lib/api/client';
import { isApiError } from '@/lib/api/problem';
import { authSession } from '@/lib/auth/session';
import { mockApi, problem, sequence, token } from '@/testing/mock-api';
import { aMe } from '@/testing/fixtures';

describe('API calls with an expired access token', () => {
  it('refresh once and retry with the new token', async () => {
    authSession.accept({ access_token: 'old', expires_in: 900 });
    const calls = mockApi({
      'GET /me': ({ authorization }) => (authorization === 'Bearer new' ? { body: aMe() } : problem(401, 'unauthorized')),
      'POST /auth/refresh': token('new'),
    });

    const result = await api.GET('/me');

    expect(result.data?.display_name).toBe('Claire Moreau');
    expect(calls.callsTo('GET /me').map((c) => c.authorization)).toEqual(['Bearer old', 'Bearer new']);
    expect(calls.callsTo('POST /auth/refresh')).toHaveLength(1);
  });

  it('resend the body of the retried request', async () => {
    authSession.accept({ access_token: 'old', expires_in: 900 });
    const calls = mockApi({
      'PATCH /me': ({ authorization }) => (authorization === 'Bearer new' ? { body: aMe({ display_name: 'Claire M.' }) } : problem(401, 'unauthorized')),
      'POST /auth/refresh': token('new'),
    });

    await api.PATCH('/me', { body: { display_name: 'Claire M.' } });

    expect(calls.callsTo('PATCH /me').map((c) => c.body)).toEqual([{ display_name: 'Claire M.' }, { display_name: 'Claire M.' }]);
  });

  it('share one refresh when several requests fail at once', async () => {
    authSession.accept({ access_token: 'old', expires_in: 900 });
    const calls = mockApi({
      'GET /me': ({ authorization }) => (authorization === 'Bearer new' ? { body: aMe() } : problem(401, 'unauthorized')),
      'GET /me/sessions': ({ authorization }) => (authorization === 'Bearer new' ? { body: [] } : problem(401, 'unauthorized')),
      'GET /locations': ({ authorization }) => (authorization === 'Bearer new' ? { body: { items: [] } } : problem(401, 'unauthorized')),
      'POST /auth/refresh': { ...token('new'), delay: 10 },
    });

    const results = await Promise.all([api.GET('/me'), api.GET('/me/sessions'), api.GET('/locations')]);

    expect(results.every((r) => r.response.ok)).toBe(true);
    expect(calls.callsTo('POST /auth/refresh')).toHaveLength(1);
  });

  it('end the session when the refresh is refused', async () => {
    authSession.accept({ access_token: 'old', expires_in: 900 });
    mockApi({ 'GET /me': problem(401, 'unauthorized'), 'POST /auth/refresh': problem(401, 'unauthorized') });

    const result = await api.GET('/me');

    expect(result.response.status).toBe(401);
    expect(authSession.getStatus()).toBe('signed-out');
    expect(authSession.getEndReason()).toBe('expired');
  });

  it('end the session when the retry is refused too', async () => {
    authSession.accept({ access_token: 'old', expires_in: 900 });
    const calls = mockApi({ 'GET /me': problem(401, 'unauthorized'), 'POST /auth/refresh': token('new') });

    await api.GET('/me');

    expect(calls.callsTo('GET /me')).toHaveLength(2);
    expect(authSession.getStatus()).toBe('signed-out');
  });

  it('refresh before sending when the token is about to expire', async () => {
    authSession.accept({ access_token: 'dying', expires_in: 10 });
    const calls = mockApi({ 'GET /me': { body: aMe() }, 'POST /auth/refresh': token('new') });

    await api.GET('/me');

    expect(calls.callsTo('GET /me').map((c) => c.authorization)).toEqual(['Bearer new']);
  });

  it('leave the auth routes alone: no bearer, and a 401 of sign-in is not a reason to refresh', async () => {
    const calls = mockApi({ 'POST /auth/login': problem(401, 'invalid_credentials') });

    const result = await api.POST('/auth/login', { body: { email: 'a@b.example', password: 'x' } });

    expect(result.error?.code).toBe('invalid_credentials');
    expect(calls.callsTo('POST /auth/refresh')).toHaveLength(0);
    expect(calls.calls[0]!.authorization).toBeNull();
  });

  it('turn a network failure into an ApiError with the network code', async () => {
    authSession.accept({ access_token: 'a', expires_in: 900 });
    mockApi({ 'GET /me': () => Promise.reject(new TypeError('Failed to fetch')) });
    const error: unknown = await api.GET('/me').catch((e: unknown) => e);
    expect(isApiError(error) && error.code).toBe('network');
  });

  it('answer the retry sequence as the server does', async () => {
    authSession.accept({ access_token: 'old', expires_in: 900 });
    const calls = mockApi({ 'GET /me': sequence(problem(401, 'unauthorized'), { body: aMe() }), 'POST /auth/refresh': token('new') });
    const result = await api.GET('/me');
    expect(result.response.ok).toBe(true);
    expect(calls.callsTo('GET /me')).toHaveLength(2);
  });
});
