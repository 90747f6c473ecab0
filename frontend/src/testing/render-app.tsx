import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';

import { AppProvider } from '@/app/provider';
import { routes } from '@/app/router';
import { createQueryClient } from '@/lib/query-client';
import type { Locale } from '@/lib/i18n/locales';

/** The whole app at `path`, in a memory router, with a fresh query cache. */
export function renderApp(path: string, { locale = 'en' }: { locale?: Locale } = {}) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const utils = render(
    <AppProvider queryClient={createQueryClient()} locale={locale}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...utils, router };
}

/** One component with the app's providers and a router around it (no session start-up needed). */
export function renderWithProviders(ui: ReactElement, { locale = 'en', path = '/' }: { locale?: Locale; path?: string } = {}) {
  const router = createMemoryRouter([{ path: '*', element: ui }], { initialEntries: [path] });
  const utils = render(
    <AppProvider queryClient={createQueryClient()} locale={locale}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...utils, router };
}
