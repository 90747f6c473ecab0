import type { PortalRequest } from '@/features/requests/api/requests';
import { useI18n } from '@/lib/i18n/i18n';

/** The public progress line (submitted → in review → accepted → planned) as an ordered list. */
export function RequestProgress({ request }: { request: PortalRequest }) {
  const { t } = useI18n();
  return (
    <ol className="progress" aria-label={t('request.progress')}>
      {request.progress.map((step) => {
        const state = step.current ? 'current' : step.reached ? 'done' : 'todo';
        return (
          <li key={step.status} className={`progress__step progress__step--${state}`} aria-current={step.current ? 'step' : undefined}>
            <span className="progress__dot" aria-hidden="true">
              {state === 'done' ? (
                <svg viewBox="0 0 16 16" width="12" height="12" focusable="false">
                  <path d="M3.5 8.5 6.5 11.5 12.5 4.5" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
              ) : null}
            </span>
            <span className="progress__label">
              {step.label}
              <span className="visually-hidden">
                {' '}
                ({state === 'current' ? t('request.stepCurrent') : state === 'done' ? t('request.stepDone') : t('request.stepTodo')})
              </span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
