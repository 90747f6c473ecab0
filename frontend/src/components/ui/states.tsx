import type { ReactNode } from 'react';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';

/** While something loads: a spinner and a sentence, announced politely. */
export function LoadingState({ label }: { label: string }) {
  return (
    <div className="state state--loading" role="status" aria-live="polite">
      <Spinner />
      <span>{label}</span>
    </div>
  );
}

/** An empty list: what is (not) here, and why. */
export function EmptyState({ title, children }: { title?: string; children?: ReactNode }) {
  return (
    <div className="state state--empty">
      <svg viewBox="0 0 40 40" width="40" height="40" aria-hidden="true" focusable="false" className="state__icon">
        <rect x="6" y="9" width="28" height="24" rx="4" fill="none" stroke="currentColor" strokeWidth="2" />
        <path d="M6 17h28" stroke="currentColor" strokeWidth="2" />
      </svg>
      {title ? <p className="state__title">{title}</p> : null}
      {children ? <div className="state__text">{children}</div> : null}
    </div>
  );
}

/** A failed load: the reason, announced at once, and a way to try again. */
export function ErrorState({ message, onRetry, retryLabel }: { message: string; onRetry?: () => void; retryLabel?: string }) {
  return (
    <div className="state state--error">
      <Alert tone="error">{message}</Alert>
      {onRetry && retryLabel ? (
        <Button variant="secondary" onClick={onRetry}>
          {retryLabel}
        </Button>
      ) : null}
    </div>
  );
}
