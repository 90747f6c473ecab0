import { Link } from 'react-router';

import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useRequests, type RequestFilter } from '@/features/requests/api/requests';
import { StatusBadge } from '@/features/requests/components/status-badge';
import { problemMessage } from '@/lib/api/problem-message';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

/** Requests as a list of links, newest first, with loading, empty and error states. */
export function RequestsList({ filter, limit, emptyText }: { filter: Omit<RequestFilter, 'cursor' | 'limit'>; limit?: number; emptyText: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const requests = useRequests({ ...filter, ...(limit ? { limit } : {}) });

  if (requests.isPending) {
    return <LoadingState label={t('common.loading')} />;
  }
  if (requests.isError) {
    return (
      <ErrorState
        message={`${t('requests.loadFailed')} ${problemMessage(t, requests.error)}`}
        onRetry={() => void requests.refetch()}
        retryLabel={t('common.retry')}
      />
    );
  }
  const items = requests.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return <EmptyState title={emptyText} />;
  }
  return (
    <div className="stack">
      <ul className="request-list">
        {items.map((r) => (
          <li key={r.id} className="request-row">
            <div className="request-row__main">
              <Link to={paths.request(r.id)} className="request-row__title">
                {r.title}
              </Link>
              <p className="request-row__meta">
                <span>{r.location_name}</span>
                <span aria-hidden="true"> · </span>
                <span>{t(`requests.kind.${r.kind}`)}</span>
                <span aria-hidden="true"> · </span>
                <span>{t('requests.submittedOn', { date: format.date(r.created_at) })}</span>
              </p>
            </div>
            <StatusBadge request={r} />
          </li>
        ))}
      </ul>
      {!limit && requests.hasNextPage ? (
        <div>
          <Button
            variant="secondary"
            onClick={() => void requests.fetchNextPage()}
            loading={requests.isFetchingNextPage}
            loadingText={t('common.loading')}
          >
            {t('common.showMore')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
