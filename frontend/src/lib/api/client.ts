import createClient from 'openapi-fetch';

import { config } from '@/config/env';
import { createAuthFetch } from '@/lib/api/auth-fetch';
import type { paths } from '@/lib/api/schema';
import { authSession } from '@/lib/auth/session';

/**
 * The typed portal API client (openapi-fetch over the types generated from
 * `openapi/portal.json`). Every call carries the session's bearer token and survives an expired
 * access token through one silent refresh.
 */
export const api = createClient<paths>({
  baseUrl: new URL(config.apiBasePath, globalThis.location.origin).href,
  credentials: 'same-origin',
  fetch: createAuthFetch(authSession),
});
