import { Link } from 'react-router';

import { LoadMore } from '@/components/load-more';
import { PublicStatusBadge } from '@/components/public-status-badge';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { VisitWindow } from '@/components/visit-window';
import { paths } from '@/config/paths';
import { useAppointments, type AppointmentFilter } from '@/features/appointments/api/appointments';
import { problemMessage } from '@/lib/api/problem-message';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

/** Upcoming visits, soonest first, each on its location's wall clock, with every list state. */
export function AppointmentsList({ filter, limit }: { filter: Omit<AppointmentFilter, 'limit'>; limit?: number }) {
  const { t } = useI18n();
  const format = useFormat();
  const appointments = useAppointments({ ...filter, ...(limit ? { limit } : {}) });

  if (appointments.isPending) {
    return <LoadingState label={t('common.loading')} />;
  }
  if (appointments.isError) {
    return (
      <ErrorState
        message={`${t('appointments.loadFailed')} ${problemMessage(t, appointments.error)}`}
        onRetry={() => void appointments.refetch()}
        retryLabel={t('common.retry')}
      />
    );
  }
  const items = appointments.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return <EmptyState title={t('appointments.empty')}>{t('appointments.emptyHint')}</EmptyState>;
  }
  return (
    <div className="stack">
      <ul className="request-list">
        {items.map((a) => (
          <li key={a.id} className="request-row visit-row">
            <div className="visit-row__date" aria-hidden="true">
              <span className="visit-row__day">{format.dayOfMonth(a.local.starts_at, a.local.timezone)}</span>
              <span className="visit-row__month">{format.shortMonth(a.local.starts_at, a.local.timezone)}</span>
            </div>
            <div className="request-row__main visit-row__main">
              <p className="request-row__title">{a.title}</p>
              <p className="visit-row__when">
                <VisitWindow local={a.local} />
              </p>
              <p className="request-row__meta">
                <span>{a.location_name}</span>
                {a.request_id ? (
                  <>
                    <span aria-hidden="true"> · </span>
                    <Link to={paths.request(a.request_id)}>{t('appointments.viewRequest')}</Link>
                  </>
                ) : null}
              </p>
            </div>
            <PublicStatusBadge status={a.status} label={a.status_label} />
          </li>
        ))}
      </ul>
      {limit ? null : (
        <LoadMore hasMore={appointments.hasNextPage} loading={appointments.isFetchingNextPage} onMore={() => void appointments.fetchNextPage()} />
      )}
    </div>
  );
}
