import { Link } from 'react-router';

import { LoadMore } from '@/components/load-more';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useReports, type ReportFilter } from '@/features/reports/api/reports';
import { problemMessage } from '@/lib/api/problem-message';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';

/** Shared visit reports as links, newest first. */
export function ReportsList({ filter }: { filter: ReportFilter }) {
  const { t } = useI18n();
  const format = useFormat();
  const reports = useReports(filter);

  if (reports.isPending) {
    return <LoadingState label={t('common.loading')} />;
  }
  if (reports.isError) {
    return <ErrorState message={`${t('reports.loadFailed')} ${problemMessage(t, reports.error)}`} onRetry={() => void reports.refetch()} retryLabel={t('common.retry')} />;
  }
  const items = reports.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return <EmptyState title={t('reports.empty')}>{t('reports.emptyHint')}</EmptyState>;
  }
  return (
    <div className="stack">
      <ul className="request-list">
        {items.map((r) => (
          <li key={r.id} className="request-row">
            <div className="request-row__main">
              <Link to={paths.report(r.id)} className="request-row__title">
                {r.title}
              </Link>
              {r.summary ? <p className="report-row__summary">{r.summary}</p> : null}
              <p className="request-row__meta">
                <span>{r.location_name}</span>
                <span aria-hidden="true"> · </span>
                <span>{r.visit_date ? t('reports.visitOn', { date: format.date(r.visit_date) }) : t('reports.sharedOn', { date: format.date(r.shared_at) })}</span>
              </p>
            </div>
          </li>
        ))}
      </ul>
      <LoadMore hasMore={reports.hasNextPage} loading={reports.isFetchingNextPage} onMore={() => void reports.fetchNextPage()} />
    </div>
  );
}
