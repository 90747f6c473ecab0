import { describe, expect, it } from 'vitest';

import { ApiError } from '@/lib/api/problem';
import { fieldErrorMessage, fieldErrorsOf, problemMessage } from '@/lib/api/problem-message';
import { translate } from '@/lib/i18n/catalog';

const tEn = (key: Parameters<typeof translate>[1], vars?: Parameters<typeof translate>[2]) => translate('en', key, vars);
const tDe = (key: Parameters<typeof translate>[1], vars?: Parameters<typeof translate>[2]) => translate('de', key, vars);

describe('problem messages', () => {
  it('map the stable code to a localized sentence, never the server detail', () => {
    const e = new ApiError({ status: 410, code: 'invitation_expired', detail: 'English server text' });
    expect(problemMessage(tEn, e)).toBe('This invitation has expired. Ask your contact to send it again.');
    expect(problemMessage(tDe, e)).toBe('Diese Einladung ist abgelaufen. Bitten Sie Ihre Ansprechperson, sie erneut zu senden.');
  });

  it('say how long to wait after too many attempts', () => {
    const e = new ApiError({ status: 429, code: 'too_many_requests', retryAfterSeconds: 42 });
    expect(problemMessage(tEn, e)).toBe('Too many attempts. Try again in 42 seconds.');
  });

  it('fall back by status for codes they do not know', () => {
    expect(problemMessage(tEn, new ApiError({ status: 404, code: 'brand_new_code' }))).toBe('We could not find what you were looking for.');
    expect(problemMessage(tEn, new ApiError({ status: 500, code: 'internal' }))).toBe('Something went wrong on our side. Try again in a moment.');
    expect(problemMessage(tEn, ApiError.network())).toBe('The portal cannot be reached. Check your connection and try again.');
    expect(problemMessage(tEn, new Error('boom'))).toBe('Something went wrong on our side. Try again in a moment.');
  });

  it('read the problem body and Retry-After of a response', () => {
    const response = new Response(null, { status: 429, headers: { 'Retry-After': '7' } });
    const e = ApiError.from(response, { type: 'urn:ordinavo:problem:too_many_requests', title: 'Too Many Requests', status: 429, code: 'too_many_requests' });
    expect(e.code).toBe('too_many_requests');
    expect(e.retryAfterSeconds).toBe(7);
  });
});

describe('field errors', () => {
  it('use the password wording for every password field', () => {
    expect(fieldErrorMessage(tEn, { field: 'new_password', code: 'weak_password' })).toMatch(/too easy to guess/);
    expect(fieldErrorMessage(tEn, { field: 'current_password', code: 'incorrect' })).toBe('The current password is incorrect.');
    expect(fieldErrorMessage(tEn, { field: 'password', code: 'too_long' })).toBe('Use at most 128 characters.');
  });

  it('use the general wording for other fields, and a fallback for unknown codes', () => {
    expect(fieldErrorMessage(tEn, { field: 'display_name', code: 'too_long' })).toBe('This is too long.');
    expect(fieldErrorMessage(tEn, { field: 'display_name', code: 'never_heard_of' })).toBe('This value is not valid.');
  });

  it('are keyed by field, first error first', () => {
    const e = new ApiError({
      status: 400,
      code: 'validation_failed',
      fieldErrors: [
        { field: 'display_name', code: 'required', message: 'x' },
        { field: 'display_name', code: 'too_long', message: 'y' },
        { field: 'locale', code: 'invalid', message: 'z' },
      ],
    });
    expect(fieldErrorsOf(tEn, e)).toEqual({ display_name: 'This field is required.', locale: 'Choose one of the options.' });
  });
});
