import type { ReactNode } from 'react';

export type AlertTone = 'error' | 'success' | 'info';

/**
 * A message box. Errors are `role="alert"` (announced at once); success and info are
 * `role="status"` (announced politely). Render it only when there is something to say, so
 * screen readers announce its appearance.
 */
export function Alert({ tone, title, children, className }: { tone: AlertTone; title?: ReactNode; children?: ReactNode; className?: string }) {
  return (
    <div className={['alert', `alert--${tone}`, className ?? ''].filter(Boolean).join(' ')} role={tone === 'error' ? 'alert' : 'status'}>
      <AlertIcon tone={tone} />
      <div className="alert__body">
        {title ? <p className="alert__title">{title}</p> : null}
        {children ? <div className="alert__text">{children}</div> : null}
      </div>
    </div>
  );
}

function AlertIcon({ tone }: { tone: AlertTone }) {
  return (
    <svg className="alert__icon" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
      {tone === 'success' ? (
        <path d="M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm4.2 6.3-5 5.2a.8.8 0 0 1-1.1 0L5.8 10.7a.8.8 0 1 1 1.1-1.1l1.7 1.7 4.5-4.6a.8.8 0 0 1 1.1 1.1Z" fill="currentColor" />
      ) : tone === 'error' ? (
        <path d="M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm0 4a.9.9 0 0 1 .9.9v4.2a.9.9 0 0 1-1.8 0V6.4a.9.9 0 0 1 .9-.9Zm0 9.2a1.1 1.1 0 1 1 0-2.2 1.1 1.1 0 0 1 0 2.2Z" fill="currentColor" />
      ) : (
        <path d="M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm0 3.8a1.1 1.1 0 1 1 0 2.2 1.1 1.1 0 0 1 0-2.2Zm1 9.2H9a.8.8 0 0 1 0-1.6h.2V10H9a.8.8 0 0 1 0-1.6h1a.8.8 0 0 1 .8.8v3.7h.2a.8.8 0 0 1 0 1.6Z" fill="currentColor" />
      )}
    </svg>
  );
}
