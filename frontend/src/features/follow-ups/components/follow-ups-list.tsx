import { Link } from 'react-router';

import { LoadMore } from '@/components/load-more';
import { PublicStatusBadge } from '@/components/public-status-badge';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { VisitWindow } from '@/components/visit-window';
import { paths } from '@/config/paths';
import { useFollowUps, type FollowUpFilter } from '@/features/follow-ups/api/follow-ups';
import { problemMessage } from '@/lib/api/problem-message';
import { useI18n } from '@/lib/i18n/i18n';

/** Follow-ups with the note staff wrote, the planned visit and the report they came from. */
export function FollowUpsList({ filter, limit }: { filter: Omit<FollowUpFilter, 'limit'>; limit?: number }) {
  const { t } = useI18n();
  const followUps = useFollowUps({ ...filter, ...(limit ? { limit } : {}) });

  if (followUps.isPending) {
    return <LoadingState label={t('common.loading')} />;
  }
  if (followUps.isError) {
    return <ErrorState message={`${t('followUps.loadFailed')} ${problemMessage(t, followUps.error)}`} onRetry={() => void followUps.refetch()} retryLabel={t('common.retry')} />;
  }
  const items = followUps.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return <EmptyState title={t('followUps.empty')} />;
  }
  return (
    <div className="stack">
      <ul className="request-list">
        {items.map((f) => (
          <li key={f.id} className="request-row">
            <div className="request-row__main">
              <p className="request-row__title">{f.title}</p>
              {f.public_note ? <p className="prewrap">{f.public_note}</p> : null}
              <p className="request-row__meta">
                <span>{f.location_name}</span>
                {f.report_id ? (
                  <>
                    <span aria-hidden="true"> · </span>
                    <Link to={paths.report(f.report_id)}>{t('followUps.viewReport')}</Link>
                  </>
                ) : null}
              </p>
              <p className="request-row__meta">{f.appointment ? <VisitWindow local={f.appointment.local} /> : t('followUps.notPlanned')}</p>
            </div>
            <PublicStatusBadge status={f.status} label={f.status_label} />
          </li>
        ))}
      </ul>
      {limit ? null : <LoadMore hasMore={followUps.hasNextPage} loading={followUps.isFetchingNextPage} onMore={() => void followUps.fetchNextPage()} />}
    </div>
  );
}
