import type { components } from '@/lib/api/schema';

export type Problem = components['schemas']['Problem'];
export type FieldError = components['schemas']['FieldError'];

/** Codes the SPA itself gives to failures that never reached the server or had no problem body. */
export const CLIENT_CODES = {
  network: 'network',
  unexpected: 'unexpected',
} as const;

/**
 * A failed API call: the server's RFC 9457 problem (status, stable `code`, field errors) or a
 * network failure. Pages show it through `problemMessage`, which maps the `code` to a localized
 * sentence: the server's English `detail` is never shown as is.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: FieldError[];
  /** Seconds from the `Retry-After` header of a 429, when given. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: { status: number; code: string; detail?: string | null; fieldErrors?: FieldError[]; retryAfterSeconds?: number | undefined }) {
    super(init.detail ?? `${init.status} ${init.code}`);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  static network(cause?: unknown): ApiError {
    const e = new ApiError({ status: 0, code: CLIENT_CODES.network, detail: 'network error' });
    if (cause !== undefined) {
      (e as { cause?: unknown }).cause = cause;
    }
    return e;
  }

  /** Builds the error from a failed response and its (possibly already parsed) body. */
  static from(response: Response, body?: unknown): ApiError {
    const problem = isProblem(body) ? body : undefined;
    const retry = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
    return new ApiError({
      status: response.status,
      code: problem?.code ?? statusCode(response.status),
      detail: problem?.detail ?? null,
      fieldErrors: problem?.errors ?? [],
      retryAfterSeconds: Number.isFinite(retry) && retry >= 0 ? retry : undefined,
    });
  }

  /** Reads the problem body of a failed response (if any) and builds the error. */
  static async fromResponse(response: Response): Promise<ApiError> {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    return ApiError.from(response, body);
  }

  /** The field error for `field`, if the server named it. */
  fieldError(field: string): FieldError | undefined {
    return this.fieldErrors.find((e) => e.field === field);
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string';
}

function statusCode(status: number): string {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 429:
      return 'too_many_requests';
    case 503:
      return 'unavailable';
    default:
      return status >= 500 ? 'internal' : CLIENT_CODES.unexpected;
  }
}

/**
 * Unwraps an openapi-fetch result: the data, or a thrown `ApiError`. Use in query and mutation
 * functions so TanStack Query sees failures as errors.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw ApiError.from(result.response, result.error);
  }
  return result.data as T;
}

/** Like `unwrap` for answers without a body (204, 202). */
export function ensureOk(result: { error?: unknown; response: Response }): void {
  if (result.error !== undefined || !result.response.ok) {
    throw ApiError.from(result.response, result.error);
  }
}
