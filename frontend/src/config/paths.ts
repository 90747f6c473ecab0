/** Every route of the SPA, in one place, so links and redirects cannot drift apart. */
export const paths = {
  home: '/',
  login: '/login',
  invite: (token: string) => `/invite/${encodeURIComponent(token)}`,
  resetRequest: '/reset',
  resetComplete: (token: string) => `/reset/${encodeURIComponent(token)}`,
  account: '/account',
  locations: '/locations',
  requests: '/requests',
  newRequest: '/requests/new',
  request: (id: string) => `/requests/${encodeURIComponent(id)}`,
  appointments: '/appointments',
  work: '/work',
  reports: '/reports',
  report: (id: string) => `/reports/${encodeURIComponent(id)}`,
  timeline: '/timeline',
  followUps: '/follow-ups',
} as const;

/** `/login?next=…` for a signed-out visitor who wanted `next`. */
export function loginPath(next?: string): string {
  const safe = safeNext(next);
  return safe && safe !== paths.home ? `${paths.login}?next=${encodeURIComponent(safe)}` : paths.login;
}

/**
 * The in-app path to return to after signing in, or `undefined` when `next` is missing or could
 * leave the portal (`//evil.example`, `https://…`, `/\evil`): only same-origin paths pass.
 */
export function safeNext(next: string | null | undefined): string | undefined {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return undefined;
  }
  if (next === paths.login || next.startsWith(`${paths.login}?`) || next.startsWith(`${paths.login}/`)) {
    return undefined;
  }
  return next;
}
