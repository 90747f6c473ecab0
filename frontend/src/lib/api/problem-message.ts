import { CLIENT_CODES, isApiError, type FieldError } from '@/lib/api/problem';
import type { MessageKey, Vars } from '@/lib/i18n/catalog';
import { isMessageKey } from '@/lib/i18n/has-key';

type T = (key: MessageKey, vars?: Vars) => string;

/**
 * A failed call as one localized sentence for people: the problem's stable `code` picks the
 * text (`errors.<code>`); unknown codes fall back by status. The server's English `detail` is
 * never shown.
 */
export function problemMessage(t: T, error: unknown): string {
  if (!isApiError(error)) {
    return t('errors.generic');
  }
  if (error.code === CLIENT_CODES.network) {
    return t('errors.network');
  }
  if (error.code === 'too_many_requests' || error.status === 429) {
    return error.retryAfterSeconds !== undefined && error.retryAfterSeconds > 0
      ? t('errors.too_many_requests_seconds', { seconds: error.retryAfterSeconds })
      : t('errors.too_many_requests');
  }
  const byCode = `errors.${error.code}`;
  if (isMessageKey(byCode)) {
    return t(byCode);
  }
  if (error.status === 400 && error.fieldErrors.length > 0) {
    return t('errors.validation_failed');
  }
  if (error.status === 401) {
    return t('errors.unauthorized');
  }
  if (error.status === 404 || error.status === 410) {
    return t('errors.not_found');
  }
  return t('errors.generic');
}

/** Password fields share one set of messages (`fieldErrors.password.<code>`). */
function fieldFamily(field: string): string {
  return /password/.test(field) ? 'password' : field;
}

/** One field error as a localized sentence: `fieldErrors.<family>.<code>`, then `fieldErrors.<code>`. */
export function fieldErrorMessage(t: T, error: Pick<FieldError, 'field' | 'code'>): string {
  const specific = `fieldErrors.${fieldFamily(error.field)}.${error.code}`;
  if (isMessageKey(specific)) {
    return t(specific);
  }
  const general = `fieldErrors.${error.code}`;
  if (isMessageKey(general)) {
    return t(general);
  }
  return t('fieldErrors.fallback');
}

/** The field errors of a failed call, localized and keyed by field (first error per field). */
export function fieldErrorsOf(t: T, error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isApiError(error)) {
    for (const fe of error.fieldErrors) {
      out[fe.field] ??= fieldErrorMessage(t, fe);
    }
  }
  return out;
}
