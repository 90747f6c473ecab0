/**
 * The SPA's configuration, read once and validated at start: a wrong value fails loudly here
 * instead of as a puzzling request later. The portal is served by `ordinavo serve` on the same
 * origin as its API, so the defaults need no configuration.
 */
export interface AppConfig {
  /** Path prefix of the portal API on this origin, e.g. `/api/portal/v1`. */
  apiBasePath: string;
}

function readConfig(): AppConfig {
  const raw: unknown = import.meta.env.VITE_PORTAL_API_BASE ?? '/api/portal/v1';
  if (typeof raw !== 'string' || !/^\/[A-Za-z0-9/_-]*[A-Za-z0-9]$/.test(raw)) {
    throw new Error(
      `VITE_PORTAL_API_BASE must be a same-origin path such as /api/portal/v1, got ${JSON.stringify(raw)}`,
    );
  }
  return { apiBasePath: raw };
}

export const config: AppConfig = readConfig();
