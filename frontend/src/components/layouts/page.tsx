import { useEffect, useRef, type ReactNode } from 'react';

import { useI18n } from '@/lib/i18n/i18n';

let firstPage = true;

/** Sets the tab's title to "<page> · <product>" in the current language. */
export function useDocumentTitle(page: string): void {
  const { t } = useI18n();
  useEffect(() => {
    document.title = t('app.documentTitle', { page });
  }, [page, t]);
}

/**
 * A page's title block. The `h1` receives focus after client-side navigation, so screen-reader
 * and keyboard users start at the new page's top (the first page load keeps the browser's own
 * focus handling).
 */
export function PageHeader({ title, documentTitle, description, actions }: { title: ReactNode; documentTitle: string; description?: ReactNode; actions?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(documentTitle);
  useEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    heading.current?.focus({ preventScroll: false });
  }, []);
  return (
    <div className="page-header">
      <div>
        <h1 className="page-title" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {description ? <p className="page-description">{description}</p> : null}
      </div>
      {actions ? <div className="page-header__actions">{actions}</div> : null}
    </div>
  );
}
