import { EmptyState } from '@/components/ui/states';
import type { Me } from '@/lib/auth/me';
import type { MessageKey } from '@/lib/i18n/catalog';
import { useI18n } from '@/lib/i18n/i18n';

type Access = Me['access'][number];

const CAPABILITIES: readonly { key: keyof Pick<Access, 'can_submit_requests' | 'can_view_reports' | 'can_download_attachments'>; label: MessageKey }[] = [
  { key: 'can_submit_requests', label: 'access.canSubmit' },
  { key: 'can_view_reports', label: 'access.canViewReports' },
  { key: 'can_download_attachments', label: 'access.canDownload' },
];

/** Per customer: all or selected locations, and what the user may do there. */
export function AccessSummary({ access }: { access: Me['access'] }) {
  const { t } = useI18n();
  if (access.length === 0) {
    return <EmptyState title={t('access.empty')} />;
  }
  return (
    <ul className="access-list">
      {access.map((a) => (
        <li key={a.customer_id} className="access">
          <p className="access__customer">{a.customer_name}</p>
          <p className="access__scope">{a.all_locations ? t('access.allLocations') : t('access.someLocations')}</p>
          <ul className="capabilities" aria-label={t('access.listLabel', { customer: a.customer_name })}>
            {CAPABILITIES.map((c) => (
              <li key={c.key} className={a[c.key] ? 'capability capability--yes' : 'capability capability--no'}>
                <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
                  {a[c.key] ? (
                    <path d="M3.5 8.5 6.5 11.5 12.5 4.5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
                  ) : (
                    <path d="M4.5 4.5l7 7M11.5 4.5l-7 7" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
                  )}
                </svg>
                <span>{t(c.label)}</span>
                <span className="visually-hidden">: {a[c.key] ? t('common.yes') : t('common.no')}</span>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
