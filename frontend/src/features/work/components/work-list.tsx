import { Link } from 'react-router';

import { LoadMore } from '@/components/load-more';
import { PublicStatusBadge } from '@/components/public-status-badge';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { VisitWindow } from '@/components/visit-window';
import { paths } from '@/config/paths';
import { useWork, type WorkFilter } from '@/features/work/api/work';
import { problemMessage } from '@/lib/api/problem-message';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

/** Open work items with their next visit and the request they answer. */
export function WorkList({ filter }: { filter: WorkFilter }) {
  const { t } = useI18n();
  const format = useFormat();
  const work = useWork(filter);

  if (work.isPending) {
    return <LoadingState label={t('common.loading')} />;
  }
  if (work.isError) {
    return <ErrorState message={`${t('work.loadFailed')} ${problemMessage(t, work.error)}`} onRetry={() => void work.refetch()} retryLabel={t('common.retry')} />;
  }
  const items = work.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return <EmptyState title={t('work.empty')}>{t('work.emptyHint')}</EmptyState>;
  }
  return (
    <div className="stack">
      <ul className="request-list">
        {items.map((w) => (
          <li key={w.id} className="request-row">
            <div className="request-row__main">
              <p className="request-row__title">{w.title}</p>
              <p className="request-row__meta">
                <span>{w.location_name}</span>
                <span aria-hidden="true"> · </span>
                <span>{t('work.since', { date: format.date(w.created_at) })}</span>
              </p>
              <dl className="work-facts">
                <div>
                  <dt>{t('work.nextVisit')}</dt>
                  <dd>
                    {w.next_appointment ? (
                      <>
                        <VisitWindow local={w.next_appointment.local} /> <span className="muted">({w.next_appointment.status_label})</span>
                      </>
                    ) : (
                      t('work.noVisit')
                    )}
                  </dd>
                </div>
                <div>
                  <dt>{t('work.request')}</dt>
                  <dd>{w.request ? <Link to={paths.request(w.request.id)}>{w.request.title}</Link> : t('work.noRequest')}</dd>
                </div>
              </dl>
            </div>
            <PublicStatusBadge status={w.status} label={w.status_label} />
          </li>
        ))}
      </ul>
      <LoadMore hasMore={work.hasNextPage} loading={work.isFetchingNextPage} onMore={() => void work.fetchNextPage()} />
    </div>
  );
}
